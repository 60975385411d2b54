package io.chatopshub.alerts;

import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackProperties;
import io.chatopshub.system.PermanentFailureException;

/**
 * The three ways alert messages leave the hub. With a bot token: the Web API, so messages can be
 * updated and replied to in threads. Without one but with {@code chatops.slack.webhook-url}: the
 * incoming webhook, which can only post new messages. With neither: the Slack client's DRY-RUN log.
 * Every call is paced per channel by the {@link ChannelPacer}.
 */
public class AlertSender {

    /** Pacing key of the incoming webhook, which posts into one channel of its own. */
    static final String WEBHOOK_CHANNEL = "incoming-webhook";

    public enum Mode {
        WEB_API, INCOMING_WEBHOOK, DRY_RUN
    }

    /** Where a message went; {@code ts} is null for incoming webhooks, which do not say. */
    public record Sent(String channel, String ts) {
    }

    private final SlackClient slack;
    private final SlackProperties properties;
    private final ChannelPacer pacer;
    private final Mode mode;

    public AlertSender(SlackClient slack, SlackProperties properties, ChannelPacer pacer) {
        this.slack = slack;
        this.properties = properties;
        this.pacer = pacer;
        this.mode = properties.hasBotToken() ? Mode.WEB_API
                : properties.hasWebhookUrl() ? Mode.INCOMING_WEBHOOK : Mode.DRY_RUN;
    }

    public Mode mode() {
        return mode;
    }

    /** True when messages can be updated and replied to in their thread. */
    public boolean canUpdate() {
        return mode != Mode.INCOMING_WEBHOOK;
    }

    /** The channel a pipeline posts to (blank: the alert channel), whose state and pace its messages share. */
    public String stateChannel(String channel) {
        if (mode == Mode.INCOMING_WEBHOOK) {
            return WEBHOOK_CHANNEL;
        }
        if (channel == null || channel.isBlank()) {
            channel = properties.alertChannel();
        }
        if (channel == null || channel.isBlank()) {
            if (mode == Mode.DRY_RUN) {
                return "no-channel";
            }
            throw new PermanentFailureException("no_alert_channel",
                    "chatops.slack.alert-channel is not set and the pipeline names no channel");
        }
        return channel.trim();
    }

    /** Posts a new message, or a reply when {@code threadTs} is set (ignored for webhooks). */
    public Sent post(String channel, String threadTs, SlackAlertMessage message) {
        return switch (mode) {
            case INCOMING_WEBHOOK -> pacer.run(WEBHOOK_CHANNEL, () -> {
                slack.postToUrl("incoming webhook", properties.webhookUrl(), message.payloadJson());
                return new Sent(WEBHOOK_CHANNEL, null);
            });
            case WEB_API -> pacer.run(channel, () -> postMessage(channel, threadTs, message));
            case DRY_RUN -> postMessage(channel, threadTs, message);
        };
    }

    /**
     * An answer only the person who pressed a button sees (its {@code response_url}, ephemeral,
     * the message left as it is). Not paced: it goes to one person, not into the channel.
     */
    public void answerPress(String responseUrl, String text) {
        if (responseUrl != null && !responseUrl.isBlank()) {
            slack.answerPrivately(responseUrl, text);
        }
    }

    /** {@code chat.update}; only when {@link #canUpdate()}. */
    public void update(String channel, String ts, SlackAlertMessage message) {
        if (!canUpdate()) {
            throw new IllegalStateException("incoming webhooks cannot update messages");
        }
        if (mode == Mode.DRY_RUN) {
            slack.updateMessage(channel, ts, message.text(), message.blocksJson());
            return;
        }
        pacer.run(channel, () -> {
            slack.updateMessage(channel, ts, message.text(), message.blocksJson());
            return null;
        });
    }

    private Sent postMessage(String channel, String threadTs, SlackAlertMessage message) {
        var posted = slack.postMessage(channel, threadTs, message.text(), message.blocksJson());
        return new Sent(posted.channel() == null ? channel : posted.channel(), posted.ts());
    }
}
