package io.chatopshub.alerts;

import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.system.FailureNotice;
import io.chatopshub.system.Secrets;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a person when an alert could not be delivered for good (Backlog refused it, Slack does
 * not know the channel, the retries ran out): one message in {@code chatops.slack.ops-channel}
 * (default: the alert channel) naming the alert, where it should have gone, why, and the
 * dead-letter id to replay it by. Without it the alert would sit in the dead-letter queue
 * and nobody would know.
 */
public class AlertFailures implements FailureNotice {

    private static final Logger LOG = LoggerFactory.getLogger(AlertFailures.class);

    private final AlertSender sender;
    private final AlertPipelines pipelines;
    private final String alertChannel;
    private final String opsChannel;
    private final String backlogProject;

    AlertFailures(AlertSender sender, AlertPipelines pipelines, String alertChannel, String opsChannel,
            String backlogProject) {
        this.sender = sender;
        this.pipelines = pipelines;
        this.alertChannel = blankToNull(alertChannel);
        this.opsChannel = blankToNull(opsChannel);
        this.backlogProject = backlogProject == null || backlogProject.isBlank() ? "(chatops.backlog.project-id)" : backlogProject;
    }

    /** Work of an alert pipeline was parked: tell the ops channel. Other queues are not alerts. */
    @Override
    public boolean tell(Exchange exchange, String deadLetterId, String reason) {
        if (!(exchange.getFromEndpoint() instanceof JmsEndpoint endpoint) || endpoint.getDestinationName() == null
                || !endpoint.getDestinationName().startsWith(AlertPipelines.QUEUE_PREFIX)) {
            return false;
        }
        Alert alert = read(exchange.getIn().getBody(String.class));
        String channel = exchange.getIn().getHeader(AlertHeaders.CHANNEL, String.class);
        tell(exchange.getFromRouteId(), alert, channel, deadLetterId, reason);
        return true;
    }

    /**
     * Posts the one message about a failed delivery; a failure to post is logged in one line, as
     * the ops channel may be the very channel Slack refused.
     *
     * @param alert   the alert, or null when the parked work was a digest's timer
     * @param channel the channel of a Slack pipeline's timer, else null
     */
    void tell(String routeId, Alert alert, String channel, String deadLetterId, String reason) {
        String where = pipelines.destination(routeId, backlogProject, alertChannel == null ? "(none)" : alertChannel);
        tellOps(message(alert, channel, where, pipelines.name(routeId), deadLetterId, reason), "alert delivery", deadLetterId);
    }

    /**
     * Posts {@code text} (mrkdwn) to the ops channel, or the alert channel when none is set, about
     * {@code what} that failed; a failure to post is logged in one line.
     */
    public void tellOps(String text, String what, String deadLetterId) {
        String target = opsChannel != null ? opsChannel : alertChannel;
        if (target == null && sender.mode() == AlertSender.Mode.WEB_API) {
            LOG.warn("Failed {} {} not told: neither chatops.slack.ops-channel nor chatops.slack.alert-channel is set",
                    what, deadLetterId);
            return;
        }
        try {
            sender.post(target, null, new SlackAlertMessage(text, AlertMessages.color(AlertStatus.CRITICAL),
                    List.of(com.slack.api.model.block.SectionBlock.builder()
                            .text(com.slack.api.model.block.composition.MarkdownTextObject.builder().text(text).build())
                            .build())));
        } catch (RuntimeException e) {
            LOG.warn("Could not tell {} that {} {} failed: {}", target, what, deadLetterId,
                    Secrets.mask(String.valueOf(e.getMessage())));
        }
    }

    /** The ops-channel message; its wording is what the tests hold. */
    static String message(Alert alert, String channel, String where, String pipeline, String deadLetterId, String reason) {
        String what = alert == null
                ? "The alert digest of " + Mrkdwn.escape(channel == null ? "a channel" : channel)
                : "Alert *" + Mrkdwn.link(alert.alertUrl(), alert.title() == null || alert.title().isBlank() ? alert.key()
                        : alert.title()) + "*"
                        + (alert.target() == null || alert.target().isBlank() ? "" : " @ " + Mrkdwn.escape(alert.target()))
                        + " (" + Mrkdwn.escape(alert.source().id()) + " " + Mrkdwn.code(alert.key()) + ", "
                        + alert.status().label() + ")";
        return ":no_entry: " + what + " could not be delivered to " + Mrkdwn.escape(where) + " (pipeline "
                + Mrkdwn.escape(pipeline) + ").\n*Why:* " + Mrkdwn.escape(reason)
                + "\n*Dead-letter id:* " + Mrkdwn.code(deadLetterId == null ? "unknown" : deadLetterId)
                + " (replay it with `@hub dlq replay " + Mrkdwn.escape(deadLetterId == null ? "<id>" : deadLetterId)
                + "` once the cause is fixed)";
    }

    private static Alert read(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return AlertJson.read(body);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
