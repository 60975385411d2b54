package io.chatopshub.gitlab;

import jakarta.jms.JMSException;

import io.chatopshub.gitlab.GitlabReleases.ReleaseReply;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackEvent;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack side of a release: which mentions are release requests, and what the mention's thread
 * is told. {@link GitlabReleases} decides and triggers; this class only carries its answer to Slack.
 *
 * <p>Release requests get a queue of their own, {@value #QUEUE}, so that their retries (GitLab
 * busy for minutes) neither hold up other mentions nor repeat Slack's classification, and so that
 * the end of those retries can be told to the person who asked.
 */
public class ReleaseMentions {

    public static final String QUEUE = "chatops.gitlab.releases";
    static final String DELIVERY_COUNT = "JMSXDeliveryCount";

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseMentions.class);

    private final GitlabReleases releases;
    private final SlackClient slack;
    private final BrokerDeliveryLimit deliveryLimit;
    private final ReleaseFreeze freeze;

    ReleaseMentions(GitlabReleases releases, SlackClient slack, BrokerDeliveryLimit deliveryLimit,
                    ReleaseFreeze freeze) {
        this.releases = releases;
        this.slack = slack;
        this.deliveryLimit = deliveryLimit;
        this.freeze = freeze;
    }

    /** True for {@code @hub release web}, {@code @hub webをリリース} and the like. */
    public boolean isReleaseRequest(SlackEvent event) {
        return event != null && DeployTargets.isReleaseRequest(event.text());
    }

    /** The queued form of a mention: the Events API delivery as Slack sent it. */
    public String queued(SlackEvent event) {
        return event.raw().toString();
    }

    /**
     * Handles one queued release mention. Safe to run again for the same mention: the Slack
     * {@code event_id} is the request id, so a repeat answers from what was recorded instead of
     * triggering.
     *
     * @throws PipelineNotCreatedException GitLab was unreachable or busy: retried by the route
     * @throws io.chatopshub.system.TransientFailureException Slack or the state store failed
     */
    public void release(String queuedEvent) {
        SlackEvent event = SlackEvent.from(queuedEvent);
        var frozen = freeze.reason();
        if (frozen.isPresent()) {
            LOG.info("release request {} refused: releases are frozen", event.eventId());
            answer(event, new ReleaseReply("Releases are frozen: " + frozen.get() + ". Nothing was started; ask again"
                    + " once the operators lift the freeze.", "no_entry"));
            return;
        }
        ReleaseReply reply = releases.release(event.teamId(), event.channel(), event.replyThread(), event.text(),
                event.eventId());
        answer(event, reply);
    }

    /**
     * Called each time the route's retries of a release are used up. Only the last delivery the
     * broker makes before dead-lettering tells the thread; earlier ones leave it to the next
     * delivery, so the person reads "gave up" once, and only when it is true.
     */
    public void retriesExhausted(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = Secrets.mask(String.valueOf(failure == null ? "unknown" : failure.getMessage()));
        int delivery = deliveryCount(exchange);
        int limit = deliveryLimit.maxDeliveryAttempts(QUEUE);
        SlackEvent event = SlackEvent.from(exchange.getIn().getBody(String.class));
        if (limit <= 0 || delivery < limit) {
            LOG.warn("release request {} failed on delivery {} of {}; the broker delivers it again later: {}",
                    event.eventId(), delivery, limit <= 0 ? "unlimited" : limit, reason);
            return;
        }
        LOG.warn("release request {} failed on its last delivery ({}), telling the thread: {}", event.eventId(),
                delivery, reason);
        try {
            answer(event, releases.gaveUp(event.teamId(), event.channel(), event.text(), failure));
        } catch (RuntimeException e) {
            LOG.warn("could not tell the thread of release request {} that it failed: {}", event.eventId(),
                    Secrets.mask(String.valueOf(e.getMessage())));
        }
    }

    /**
     * Reaction first: adding it again is harmless, so a retry after a failed reply does not post
     * anything twice. A reaction Slack refuses for good (message deleted, scope missing) does not
     * keep the reply from being posted.
     */
    private void answer(SlackEvent event, ReleaseReply reply) {
        if (reply.reaction() != null) {
            try {
                slack.addReaction(event.channel(), event.ts(), reply.reaction());
            } catch (PermanentFailureException e) {
                LOG.warn("reaction {} on release request {} refused by Slack: {}", reply.reaction(), event.eventId(),
                        e.code());
            }
        }
        slack.postMessage(event.channel(), event.replyThread(), reply.text(), null);
    }

    /** Artemis counts deliveries from 1; Camel maps it into a header, the JMS message has it anyway. */
    static int deliveryCount(Exchange exchange) {
        Integer header = exchange.getIn().getHeader(DELIVERY_COUNT, Integer.class);
        if (header != null) {
            return header;
        }
        if (exchange.getIn() instanceof JmsMessage jms && jms.getJmsMessage() != null) {
            try {
                return jms.getJmsMessage().getIntProperty(DELIVERY_COUNT);
            } catch (JMSException | NumberFormatException e) {
                return 1;
            }
        }
        return 1;
    }
}
