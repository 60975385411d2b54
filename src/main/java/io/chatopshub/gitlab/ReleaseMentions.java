package io.chatopshub.gitlab;

import jakarta.jms.JMSException;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.chatopshub.automation.AuditEntry;
import io.chatopshub.automation.AuditEntry.Event;
import io.chatopshub.automation.AuditTrail;
import io.chatopshub.gitlab.DeployTargets.Resolution;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.GitlabReleases.ReleaseReply;
import io.chatopshub.gitlab.ReleasePolicy.Author;
import io.chatopshub.gitlab.ReleasePolicy.Decision;
import io.chatopshub.slack.Mrkdwn;
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
 *
 * <p>Every release is checked against {@link ReleasePolicy} for the author (their own workspace,
 * not the envelope's), and targets marked {@code approval: true} wait for {@link ReleaseApprovals}.
 * {@code @hub freeze} and {@code @hub unfreeze} take the same queue, since the same people may
 * use them. Each decision goes to the audit trail.
 */
public class ReleaseMentions {

    public static final String QUEUE = "chatops.gitlab.releases";
    static final String DELIVERY_COUNT = "JMSXDeliveryCount";

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseMentions.class);

    private final GitlabReleases releases;
    private final SlackClient slack;
    private final BrokerDeliveryLimit deliveryLimit;
    private final ReleaseFreeze freeze;
    private final DeployTargets targets;
    private final ReleasePolicy policy;
    private final ReleaseApprovals approvals;
    private final AuditTrail audit;

    ReleaseMentions(GitlabReleases releases, SlackClient slack, BrokerDeliveryLimit deliveryLimit,
                    ReleaseFreeze freeze, DeployTargets targets, ReleasePolicy policy, ReleaseApprovals approvals,
                    AuditTrail audit) {
        this.releases = releases;
        this.slack = slack;
        this.deliveryLimit = deliveryLimit;
        this.freeze = freeze;
        this.targets = targets;
        this.policy = policy;
        this.approvals = approvals;
        this.audit = audit;
    }

    /**
     * True for {@code @hub release web}, {@code @hub webをリリース} and the like, and for
     * {@code @hub freeze …} / {@code @hub unfreeze …}, which are handled with releases.
     */
    public boolean isReleaseRequest(SlackEvent event) {
        return event != null && (isFreezeCommand(event) || DeployTargets.isReleaseRequest(event.text()));
    }

    private static boolean isFreezeCommand(SlackEvent event) {
        String keyword = event.keyword();
        return "freeze".equals(keyword) || "unfreeze".equals(keyword);
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
        decide(SlackEvent.from(queuedEvent));
    }

    /**
     * As {@link #release(String)}, for the route: when an approval request was posted, headers
     * {@value ReleaseApprovals#REQUEST_ID} and {@value ReleaseApprovals#DUE_AT} ask for its expiry check.
     */
    public void handle(Exchange exchange) {
        exchange.getIn().removeHeader(ReleaseApprovals.DUE_AT);
        SlackEvent event = SlackEvent.from(exchange.getIn().getBody(String.class));
        decide(event).ifPresent(due -> {
            exchange.getIn().setHeader(ReleaseApprovals.REQUEST_ID, event.eventId());
            exchange.getIn().setHeader(ReleaseApprovals.DUE_AT, due.toEpochMilli());
        });
    }

    /** @return when an approval request posted now expires */
    private Optional<Instant> decide(SlackEvent event) {
        if (isFreezeCommand(event)) {
            freezeCommand(event);
            return Optional.empty();
        }
        Resolution resolution = targets.resolve(event.teamId(), event.channel(), event.text());
        if (resolution instanceof Resolution.Target resolved) {
            DeployTarget target = resolved.target();
            Author author = author(event);
            var frozen = freeze.reason(target.project());
            if (frozen.isPresent()) {
                LOG.info("release request {} refused: releases of {} are frozen", event.eventId(), target.project());
                record(Event.REFUSED, event, null, target, "FROZEN: " + frozen.get());
                String which = freeze.reason().isPresent() ? "Releases are" : "Releases of " + target.project() + " are";
                answer(event, new ReleaseReply(which + " frozen: " + Mrkdwn.escape(frozen.get())
                        + ". Nothing was started; ask again once the operators lift the freeze.", "no_entry"));
                return Optional.empty();
            }
            Decision decision = policy.check(target, author);
            if (!decision.allowed()) {
                LOG.info("release request {} of {} by {} refused: {}", event.eventId(), target.project(), event.user(),
                        decision.reason());
                record(Event.REFUSED, event, null, target, decision.reason().name());
                answer(event, new ReleaseReply(decision.message(), "no_entry"));
                return Optional.empty();
            }
            if (target.approval()) {
                Optional<ReleaseApprovals.State> state = approvals.state(event.eventId());
                if (state.isEmpty()) {
                    return approvals.request(event, target);
                }
                if (state.get() != ReleaseApprovals.State.APPROVED) {
                    LOG.info("release request {} of {} is {}; nothing to do", event.eventId(), target.project(),
                            state.get());
                    return Optional.empty();
                }
            } else {
                record(Event.ALLOWED, event, null, target, null);
            }
        }
        ReleaseReply reply = releases.release(event.teamId(), event.channel(), event.replyThread(), event.text(),
                event.eventId());
        answer(event, reply);
        return Optional.empty();
    }

    /**
     * {@code @hub freeze <project|all> [reason]} and {@code @hub unfreeze <project|all>}: by people
     * allowed to release that project (for {@code all}: any project of this channel).
     */
    private void freezeCommand(SlackEvent event) {
        boolean on = "freeze".equals(event.keyword());
        String rest = event.textWithoutMentions();
        rest = rest.length() > event.keyword().length() ? rest.substring(event.keyword().length()).strip() : "";
        String[] words = rest.isEmpty() ? new String[0] : rest.split("\\s+", 2);
        List<DeployTarget> here = targets.releasable(event.teamId(), event.channel());
        String usage = on ? "`@hub freeze <project|all> [reason]`" : "`@hub unfreeze <project|all>`";
        if (here.isEmpty()) {
            answer(event, new ReleaseReply("Nothing is released from this channel, so there is nothing to "
                    + (on ? "freeze" : "unfreeze") + " here.", null));
            return;
        }
        if (words.length == 0) {
            answer(event, new ReleaseReply("Say what to " + (on ? "freeze" : "unfreeze") + ": " + usage + ".", null));
            return;
        }
        String named = Mrkdwn.unescape(words[0]);
        boolean all = "all".equals(named.toLowerCase(Locale.ROOT));
        List<DeployTarget> concerned = all ? here
                : here.stream().filter(t -> t.project().equalsIgnoreCase(named)).toList();
        if (concerned.isEmpty()) {
            answer(event, new ReleaseReply(Mrkdwn.code(named) + " is not released from this channel. Say " + usage
                    + " with one of " + String.join(", ", here.stream().map(DeployTarget::project).toList())
                    + ", or all.", null));
            return;
        }
        Author author = author(event);
        boolean allowed = concerned.stream().anyMatch(t -> policy.check(t, author).allowed());
        String project = all ? null : concerned.get(0).project();
        String what = all ? "all releases" : project;
        if (!allowed) {
            LOG.info("{} of {} by {} refused: not allowed to release", on ? "freeze" : "unfreeze", what, event.user());
            record(Event.REFUSED, event, null, all ? null : concerned.get(0),
                    (on ? "FREEZE" : "UNFREEZE") + " NOT_ALLOWED" + (all ? " (all)" : ""));
            answer(event, new ReleaseReply("<@" + event.user() + "> may not " + (on ? "freeze " : "unfreeze ")
                    + what + ": only people allowed to release " + (all ? "from this channel" : project)
                    + " may.", "no_entry"));
            return;
        }
        if (on) {
            String reason = words.length > 1 ? Mrkdwn.unescape(words[1]).strip() : "";
            freeze.freeze(project, reason);
            String why = reason.isEmpty() ? "no reason given" : reason;
            record(Event.FROZEN, event, null, all ? null : concerned.get(0), (all ? "all: " : "") + why);
            answer(event, new ReleaseReply(":ice_cube: " + (all ? "All releases are" : "Releases of " + project + " are")
                    + " frozen by <@" + event.user() + ">: " + Mrkdwn.escape(why) + ". `@hub unfreeze "
                    + (all ? "all" : project) + "` lifts the freeze.", null));
            return;
        }
        boolean lifted = freeze.unfreeze(project);
        if (!lifted) {
            Optional<String> allFrozen = all ? Optional.empty() : freeze.reason();
            answer(event, new ReleaseReply(allFrozen.map(r -> project + " has no freeze of its own; all releases"
                    + " are frozen: " + Mrkdwn.escape(r) + " (`@hub unfreeze all` lifts it).")
                    .orElse((all ? "Releases are" : project + " is") + " not frozen."), null));
            return;
        }
        record(Event.UNFROZEN, event, null, all ? null : concerned.get(0), all ? "all" : null);
        answer(event, new ReleaseReply((all ? "All releases" : "Releases of " + project) + " may go ahead again"
                + " (freeze lifted by <@" + event.user() + ">).", null));
    }

    /** The author as Slack describes them: their own workspace first, the envelope's last. */
    static Author author(SlackEvent event) {
        var e = event.raw().path("event");
        String userTeam = io.chatopshub.system.Json.text(e, "user_team");
        if (userTeam == null) {
            userTeam = io.chatopshub.system.Json.text(e, "team");
        }
        return new Author(event.user(), userTeam, io.chatopshub.system.Json.text(event.raw(), "team_id"));
    }

    private void record(Event kind, SlackEvent event, String actor, DeployTarget target, String reason) {
        audit.record(AuditEntry.release(kind, event.eventId(), event.teamId(), event.user(), actor, event.channel(),
                target == null ? null : target.project(), reason));
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
