package io.chatopshub.gitlab;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatopshub.automation.AuditEntry;
import io.chatopshub.automation.AuditEntry.Event;
import io.chatopshub.automation.AuditTrail;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.ReleasePolicy.Author;
import io.chatopshub.gitlab.ReleasePolicy.Decision;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackClient.PostedMessage;
import io.chatopshub.slack.SlackEvent;
import io.chatopshub.system.Json;
import io.chatopshub.system.TransientFailureException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases of targets marked {@code approval: true}: the message with Approve and Reject, the
 * presses, and the expiry, as runbook approvals work. The pending release lives in the shared
 * {@link StateStore} under {@code gitlab:approval:<request id>} so any instance can take a press,
 * and a decision is a compare-and-set, so two quick presses or a press racing the expiry decide
 * once.
 *
 * <p>Presses fail closed: one without a user, a team or a known action decides nothing and is
 * logged once; an approval needs a person other than the requester who may release the target
 * now (checked again on the press, since configuration and user groups change). An approved
 * release goes back on the release queue as the original mention, where the requester is checked
 * again and the pipeline is triggered once per request.
 */
public class ReleaseApprovals {

    /** Set on a press that approved: the request id; the route then queues the body as a release. */
    public static final String APPROVED = "ChatopsReleaseApproved";
    /** Set after an approval request was posted: when it expires (epoch millis). */
    public static final String DUE_AT = "ChatopsDueAt";
    /** The request whose expiry is checked. */
    public static final String REQUEST_ID = "ChatopsReleaseRequestId";

    static final String KEY_PREFIX = "gitlab:approval:";
    /** Decided requests are kept this long after they expire, so a late press is told what happened. */
    static final Duration KEEP_DECIDED = Duration.ofDays(1);
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseApprovals.class);

    private final DeployTargets targets;
    private final ReleasePolicy policy;
    private final SlackClient slack;
    private final StateStore store;
    private final AuditTrail audit;
    private final Duration timeout;
    private final Clock clock;

    ReleaseApprovals(DeployTargets targets, ReleasePolicy policy, SlackClient slack, StateStore store,
                     AuditTrail audit, Duration timeout, Clock clock) {
        this.targets = targets;
        this.policy = policy;
        this.slack = slack;
        this.store = store;
        this.audit = audit;
        this.timeout = timeout;
        this.clock = clock;
    }

    enum State {
        POSTING, PENDING, APPROVED, REJECTED, EXPIRED
    }

    /**
     * A release waiting for a second person.
     *
     * @param event     the queued mention as Slack sent it, queued again once approved
     * @param expiresAt epoch millis
     */
    record PendingRelease(State state, String requestId, String teamId, String channel, String project,
                          String requester, String event, String messageChannel, String messageTs, long expiresAt,
                          String decidedBy) {

        PendingRelease with(State next, String by) {
            return new PendingRelease(next, requestId, teamId, channel, project, requester, event, messageChannel,
                    messageTs, expiresAt, by);
        }
    }

    /** Where the request for {@code requestId} stands, if approval was asked for it. */
    Optional<State> state(String requestId) {
        return read(requestId).map(PendingRelease::state);
    }

    /**
     * Posts the approval request in the mention's thread, once per request.
     *
     * @return when it expires, or empty when another delivery posts it
     */
    Optional<Instant> request(SlackEvent event, DeployTarget target) {
        String key = key(event.eventId());
        Instant expires = clock.instant().plus(timeout);
        PendingRelease posting = new PendingRelease(State.POSTING, event.eventId(), event.teamId(), event.channel(),
                target.project(), event.user(), event.raw().toString(), null, null, expires.toEpochMilli(), null);
        if (!store.claim(key, write(posting), ttl())) {
            return Optional.empty();
        }
        ReleaseMessages.Message message = ReleaseMessages.approvalRequest(target, event.user(), event.eventId(), timeout);
        PostedMessage posted = slack.postMessage(event.channel(), event.replyThread(), message.text(),
                message.blocksJson());
        PendingRelease pending = new PendingRelease(State.PENDING, posting.requestId(), posting.teamId(),
                posting.channel(), posting.project(), posting.requester(), posting.event(), posted.channel(),
                posted.ts(), expires.toEpochMilli(), null);
        store.put(key, write(pending), ttl());
        audit.record(AuditEntry.release(Event.APPROVAL_REQUESTED, event.eventId(), event.teamId(), event.user(), null,
                event.channel(), target.project(), null));
        LOG.info("release of {} in {} asked by {} waits for approval, request {}", target.project(), event.channel(),
                event.user(), event.eventId());
        return Optional.of(expires);
    }

    /**
     * A press of Approve or Reject; the body is the interaction payload. An approval that goes
     * through leaves the original mention as body and {@value #APPROVED} set.
     */
    public void press(Exchange exchange) {
        Message in = exchange.getIn();
        in.removeHeader(APPROVED);
        JsonNode payload = Json.readObject(in.getBody(String.class));
        JsonNode action = payload.path("actions").path(0);
        String actionId = Json.text(action, "action_id");
        String requestId = Json.text(action, "value");
        String user = Json.text(payload, "user", "id");
        String workspace = Json.text(payload, "team", "id");
        String userTeam = Json.text(payload, "user", "team_id");
        String responseUrl = Json.text(payload, "response_url");
        boolean approve = ReleaseMessages.APPROVE_ACTION.equals(actionId);
        if (user == null || (workspace == null && userTeam == null) || requestId == null
                || !(approve || ReleaseMessages.REJECT_ACTION.equals(actionId))) {
            LOG.warn("release interaction refused, nothing decided: user {}, team {}, action {}, request {}",
                    user == null ? "missing" : user, workspace == null && userTeam == null ? "missing" : "present",
                    actionId == null ? "missing" : actionId, requestId == null ? "missing" : requestId);
            audit.record(AuditEntry.release(Event.REFUSED, requestId, workspace, null, user, null, null,
                    "INCOMPLETE_INTERACTION"));
            return;
        }
        Author presser = new Author(user, userTeam != null ? userTeam : workspace, workspace);
        PendingRelease pending = read(requestId).orElse(null);
        if (pending == null || pending.state() == State.POSTING) {
            refuse(responseUrl, requestId, null, null, user, "UNKNOWN_REQUEST",
                    "This release request is no longer known; it has expired. Ask again with `@hub release`.");
            return;
        }
        DeployTarget target = target(pending).orElse(null);
        if (target == null) {
            refuse(responseUrl, requestId, pending, null, user, "TARGET_GONE",
                    "This project can no longer be released from this channel.");
            return;
        }
        if (pending.state() == State.PENDING && !clock.instant().isBefore(Instant.ofEpochMilli(pending.expiresAt()))) {
            pending = expire(pending, target);
        }
        if (pending.state() != State.PENDING) {
            String reason = switch (pending.state()) {
                case APPROVED -> "it was already approved by <@" + pending.decidedBy() + ">";
                case REJECTED -> "it was already rejected by <@" + pending.decidedBy() + ">";
                default -> "it expired; nobody approved it within " + ReleaseMessages.humanDuration(timeout);
            };
            refuse(responseUrl, requestId, pending, target, user, "ALREADY_" + pending.state().name(),
                    "This release can no longer be decided: " + reason + ".");
            return;
        }
        if (approve) {
            if (user.equals(pending.requester())) {
                refuse(responseUrl, requestId, pending, target, user, ReleasePolicy.Reason.SELF_APPROVAL.name(),
                        "You asked for this release; someone else allowed to release " + target.project()
                                + " must approve it.");
                return;
            }
            Decision approver = policy.check(target, presser);
            if (!approver.allowed()) {
                refuse(responseUrl, requestId, pending, target, user, approver.reason().name(),
                        "Only people allowed to release " + target.project() + " may approve it.");
                return;
            }
        } else if (!user.equals(pending.requester()) && !policy.check(target, presser).allowed()) {
            refuse(responseUrl, requestId, pending, target, user, "NOT_ALLOWED_TO_REJECT",
                    "Only the requester or people allowed to release " + target.project() + " may reject it.");
            return;
        }
        PendingRelease decided = pending.with(approve ? State.APPROVED : State.REJECTED, user);
        swap(pending, decided);
        ReleaseMessages.Message message = approve ? ReleaseMessages.approved(target, pending.requester(), user)
                : ReleaseMessages.rejected(target, pending.requester(), user);
        slack.updateMessage(pending.messageChannel(), pending.messageTs(), message.text(), message.blocksJson());
        audit.record(AuditEntry.release(approve ? Event.APPROVED : Event.REJECTED, requestId, pending.teamId(),
                pending.requester(), user, pending.channel(), pending.project(), null));
        LOG.info("release of {} request {} {} by {}", pending.project(), requestId, approve ? "approved" : "rejected",
                user);
        if (approve) {
            in.setHeader(APPROVED, requestId);
            in.setBody(pending.event());
        }
    }

    /** The expiry check: a request still pending at its deadline is closed and its message says so. */
    public void expire(Exchange exchange) {
        String requestId = exchange.getIn().getHeader(REQUEST_ID, String.class);
        if (requestId == null) {
            return;
        }
        read(requestId).filter(p -> p.state() == State.PENDING).ifPresent(pending -> {
            DeployTarget target = target(pending).orElse(null);
            if (target != null) {
                expire(pending, target);
            }
        });
    }

    private PendingRelease expire(PendingRelease pending, DeployTarget target) {
        PendingRelease expired = pending.with(State.EXPIRED, null);
        swap(pending, expired);
        ReleaseMessages.Message message = ReleaseMessages.expired(target, pending.requester(), timeout);
        slack.updateMessage(pending.messageChannel(), pending.messageTs(), message.text(), message.blocksJson());
        audit.record(AuditEntry.release(Event.EXPIRED, pending.requestId(), pending.teamId(), pending.requester(), null,
                pending.channel(), pending.project(), "nobody approved in time"));
        LOG.info("release of {} request {} expired without approval", pending.project(), pending.requestId());
        return expired;
    }

    private Optional<DeployTarget> target(PendingRelease pending) {
        return targets.releasable(pending.teamId(), pending.channel()).stream()
                .filter(t -> t.project().equalsIgnoreCase(pending.project())).findFirst();
    }

    private void refuse(String responseUrl, String requestId, PendingRelease pending, DeployTarget target, String user,
                        String code, String mrkdwn) {
        audit.record(AuditEntry.release(Event.REFUSED, requestId, pending == null ? null : pending.teamId(),
                pending == null ? null : pending.requester(), user, pending == null ? null : pending.channel(),
                target == null ? (pending == null ? null : pending.project()) : target.project(), code));
        LOG.info("press on release request {} by {} refused: {}", requestId, user, code);
        if (responseUrl != null) {
            slack.answerPrivately(responseUrl, ":no_entry: " + mrkdwn);
        }
    }

    private void swap(PendingRelease expected, PendingRelease next) {
        if (!store.replace(key(expected.requestId()), write(expected), write(next), ttl())) {
            throw new TransientFailureException("release approval " + expected.requestId()
                    + " was decided meanwhile; reading it again", Duration.ofMillis(200));
        }
    }

    private Optional<PendingRelease> read(String requestId) {
        return store.get(key(requestId)).map(json -> {
            try {
                return Json.mapper().readValue(json, PendingRelease.class);
            } catch (IOException e) {
                throw new IllegalStateException("unreadable release approval " + requestId, e);
            }
        });
    }

    private static String write(PendingRelease pending) {
        return Json.write(pending);
    }

    private Duration ttl() {
        return timeout.plus(KEEP_DECIDED);
    }

    static String key(String requestId) {
        return KEY_PREFIX + requestId;
    }
}
