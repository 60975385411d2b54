package io.chatopshub.automation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.chatopshub.automation.PendingApproval.State;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.slack.SlackClient.PostedMessage;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackHeaders;
import io.chatopshub.system.TransientFailureException;

/**
 * Runs that need a second person: the message with Approve and Reject, the presses, and the
 * expiry. The pending request lives in the {@link StateStore} (see {@link PendingApproval}) so
 * any instance can take a press, and a decision is a compare-and-set, so two quick presses or a
 * press racing the expiry decide once. Permissions are checked again on every press, for the
 * person pressing and for the requester, since configuration may have changed meanwhile.
 */
@Component("runbookApprovals")
public class RunbookApprovals {

    static final String KEY_PREFIX = "runbook:approval:";
    /** Decided requests are kept this long after they expire, so a late press is told what happened. */
    static final Duration KEEP_DECIDED = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(RunbookApprovals.class);

    private final RunbookPolicy policy;
    private final SlackClient slack;
    private final StateStore store;
    private final AuditTrail audit;
    private final AzureProperties properties;
    private final Clock clock;

    RunbookApprovals(RunbookPolicy policy, SlackClient slack, StateStore store, AuditTrail audit,
                     AzureProperties properties, Clock clock) {
        this.policy = policy;
        this.slack = slack;
        this.store = store;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Posts the approval request (once per request) and asks for the expiry check: headers
     * {@value RunbookHeaders#REQUEST_ID} and {@value RunbookHeaders#DUE_AT}.
     */
    public void post(Exchange exchange) {
        Message in = exchange.getIn();
        RunbookRequest request = StateJson.read(in.getBody(String.class), RunbookRequest.class);
        String key = key(request.requestId());
        String holder = RunbookJobs.holder(exchange);
        Instant now = clock.instant();
        in.removeHeader(RunbookHeaders.DUE_AT);

        PendingApproval pending = read(key).orElse(null);
        if (pending == null) {
            PendingApproval claim = PendingApproval.posting(request, holder, now);
            pending = store.claim(key, StateJson.write(claim), ttl()) ? claim : read(key).orElseThrow(() ->
                    new TransientFailureException("approval " + request.requestId() + " vanished", (Duration) null));
        }
        if (pending.state() == State.POSTING) {
            boolean mine = holder.equals(pending.holder()) || pending.since().plus(RunbookJobs.TAKE_OVER_AFTER).isBefore(now);
            if (!mine) {
                throw new TransientFailureException("another delivery is posting approval " + request.requestId(),
                        Duration.ofSeconds(5));
            }
            ObjectNode message = RunbookMessages.approvalRequest(request, properties.approvalTimeout());
            PostedMessage posted = slack.postMessage(request.channelId(), null, message.path("text").asText(),
                    message.get("blocks").toString());
            Instant posting = clock.instant();
            pending = swap(key, pending, pending.pending(posted.channel(), posted.ts(), posting,
                    posting.plus(properties.approvalTimeout())));
            audit.record(AuditEntry.approvalRequested(request));
        }
        if (pending.state() == State.PENDING) {
            in.setHeader(RunbookHeaders.REQUEST_ID, request.requestId());
            in.setHeader(RunbookHeaders.DUE_AT, pending.expiresAt().toEpochMilli());
        }
    }

    /**
     * A press of Approve or Reject. An approval that goes through leaves the request as body
     * with {@value RunbookHeaders#STEP} {@code start}, for the route to queue; a refusal is
     * answered to the person alone through the press's {@code response_url}.
     */
    public void press(Exchange exchange) {
        Message in = exchange.getIn();
        String actionId = in.getHeader(SlackHeaders.ACTION_ID, String.class);
        String requestId = in.getHeader(SlackHeaders.ACTION_VALUE, String.class);
        String user = in.getHeader(SlackHeaders.USER_ID, String.class);
        String responseUrl = in.getHeader(SlackHeaders.RESPONSE_URL, String.class);
        in.removeHeader(RunbookHeaders.STEP);
        boolean approve = RunbookMessages.APPROVE_ACTION.equals(actionId);
        if (!approve && !RunbookMessages.REJECT_ACTION.equals(actionId)) {
            LOG.info("unknown runbook action {} ignored", actionId);
            return;
        }
        if (user == null || user.isBlank()) {
            RunbookRequest unknown = new RunbookRequest(requestId, null, null, in.getHeader(SlackHeaders.TEAM_ID,
                    String.class), in.getHeader(SlackHeaders.CHANNEL_ID, String.class), null, null, null);
            audit.record(AuditEntry.refusedPress(unknown, null, "NO_USER"));
            LOG.warn("press {} on runbook request {} without a user refused", actionId, requestId);
            return;
        }
        String key = key(requestId);
        PendingApproval pending = requestId == null ? null : read(key).orElse(null);
        if (pending == null || pending.state() == State.POSTING) {
            RunbookRequest unknown = new RunbookRequest(requestId, null, null, in.getHeader(SlackHeaders.TEAM_ID,
                    String.class), in.getHeader(SlackHeaders.CHANNEL_ID, String.class), null, null, null);
            refusePress(responseUrl, unknown, user, "UNKNOWN_REQUEST",
                    "This request is no longer known; it has expired. Ask again with `/runbook`.");
            return;
        }
        RunbookRequest request = pending.request();
        if (pending.state() == State.PENDING && !clock.instant().isBefore(pending.expiresAt())) {
            pending = expire(key, pending);
        }
        if (pending.state() != State.PENDING) {
            if (approve && pending.state() == State.APPROVED && user.equals(pending.decidedBy())) {
                // the same person's press again: the start may not have been queued before a crash
                queueStart(in, pending);
                return;
            }
            String reason = switch (pending.state()) {
                case APPROVED -> "it was already approved by <@" + pending.decidedBy() + ">";
                case REJECTED -> "it was already rejected by <@" + pending.decidedBy() + ">";
                default -> "it expired; nobody approved it within "
                        + RunbookMessages.humanDuration(properties.approvalTimeout());
            };
            refusePress(responseUrl, request, user, "ALREADY_" + pending.state().name(),
                    "This request can no longer be decided: " + reason + ".");
            return;
        }
        RunbookPolicy.Decision requester = policy.check(request.runbook(), request.channelId(), request.userId(),
                request.parameters());
        if (approve) {
            RunbookPolicy.Decision approver = policy.checkApprover(request.runbook(), request.channelId(),
                    request.userId(), user);
            if (!approver.allowed()) {
                refusePress(responseUrl, request, user, approver.reason().name(), approver.message());
                return;
            }
            if (!requester.allowed()) {
                refusePress(responseUrl, request, user, "REQUESTER_" + requester.reason().name(), "<@"
                        + request.userId() + "> may no longer run `" + Mrkdwn.escape(request.runbook())
                        + "` here, so it cannot be approved.");
                return;
            }
        } else if (!user.equals(request.userId())) {
            RunbookPolicy.Decision rejecter = policy.check(request.runbook(), request.channelId(), user, null);
            if (!rejecter.allowed()) {
                refusePress(responseUrl, request, user, rejecter.reason().name(),
                        "Only the requester or people allowed to run `" + Mrkdwn.escape(request.runbook())
                                + "` may reject it.");
                return;
            }
        }
        PendingApproval decided = pending.decided(approve ? State.APPROVED : State.REJECTED, user, clock.instant());
        if (!store.replace(key, StateJson.write(pending), StateJson.write(decided), ttl())) {
            throw new TransientFailureException("approval " + requestId + " was decided meanwhile; reading it again",
                    Duration.ofMillis(200));
        }
        ObjectNode message = approve ? RunbookMessages.approved(request, user) : RunbookMessages.rejected(request, user);
        slack.updateMessage(decided.channel(), decided.ts(), message.path("text").asText(), message.get("blocks").toString());
        audit.record(approve ? AuditEntry.approved(request, user) : AuditEntry.rejected(request, user));
        LOG.info("runbook {} request {} {} by {}", request.runbook(), requestId, approve ? "approved" : "rejected", user);
        if (approve) {
            queueStart(in, decided);
        }
    }

    /** The expiry check: a request still pending at its deadline is closed and its message says so. */
    public void expire(Exchange exchange) {
        String requestId = exchange.getIn().getHeader(RunbookHeaders.REQUEST_ID, String.class);
        if (requestId == null) {
            return;
        }
        String key = key(requestId);
        read(key).filter(p -> p.state() == State.PENDING).ifPresent(pending -> {
            if (clock.instant().isBefore(pending.expiresAt())) {
                LOG.debug("expiry check of {} came early; it is checked again on the next press", requestId);
            }
            expire(key, pending);
        });
    }

    private PendingApproval expire(String key, PendingApproval pending) {
        PendingApproval expired = pending.decided(State.EXPIRED, null, clock.instant());
        if (!store.replace(key, StateJson.write(pending), StateJson.write(expired), ttl())) {
            throw new TransientFailureException("approval " + pending.request().requestId()
                    + " was decided meanwhile; reading it again", Duration.ofMillis(200));
        }
        ObjectNode message = RunbookMessages.expired(pending.request(), properties.approvalTimeout());
        slack.updateMessage(pending.channel(), pending.ts(), message.path("text").asText(), message.get("blocks").toString());
        audit.record(AuditEntry.expired(pending.request()));
        LOG.info("runbook {} request {} expired without approval", pending.request().runbook(),
                pending.request().requestId());
        return expired;
    }

    private static void queueStart(Message in, PendingApproval approved) {
        in.setHeader(RunbookHeaders.STEP, RunbookHeaders.STEP_START);
        in.setHeader(RunbookHeaders.REQUEST_ID, approved.request().requestId());
        in.setHeader(RunbookHeaders.APPROVED_BY, approved.decidedBy());
        in.setBody(StateJson.write(approved.request()));
    }

    private void refusePress(String responseUrl, RunbookRequest request, String user, String code, String message) {
        audit.record(AuditEntry.refusedPress(request, user, code));
        LOG.info("press on runbook {} request {} by {} refused: {}", request.runbook(), request.requestId(), user, code);
        refuse(responseUrl, message);
    }

    private void refuse(String responseUrl, String mrkdwn) {
        slack.postToUrl("response_url", responseUrl, RunbookMessages.refusal(":no_entry: " + mrkdwn).toString());
    }

    private Optional<PendingApproval> read(String key) {
        return store.get(key).map(json -> StateJson.read(json, PendingApproval.class));
    }

    private PendingApproval swap(String key, PendingApproval expected, PendingApproval next) {
        if (!store.replace(key, StateJson.write(expected), StateJson.write(next), ttl())) {
            throw new TransientFailureException("approval " + expected.request().requestId()
                    + " changed meanwhile; reading it again", Duration.ofMillis(200));
        }
        return next;
    }

    private Duration ttl() {
        return properties.approvalTimeout().plus(KEEP_DECIDED);
    }

    static String key(String requestId) {
        return KEY_PREFIX + requestId;
    }
}
