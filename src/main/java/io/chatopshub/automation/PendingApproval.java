package io.chatopshub.automation;

import java.time.Instant;

/**
 * A request waiting for a second person, in the state store under
 * {@code runbook:approval:<request id>}. Decisions are compare-and-set on the whole value, so of
 * two presses (on two instances, or a press racing the expiry) exactly one decides.
 *
 * @param request what was asked
 * @param state where the request stands
 * @param holder the delivery (JMS message id) posting the approval message, while {@link State#POSTING}
 * @param since when the current state began
 * @param channel channel of the approval message
 * @param ts timestamp of the approval message
 * @param expiresAt when it expires unless someone decided before
 * @param decidedBy who approved or rejected it
 */
record PendingApproval(RunbookRequest request, State state, String holder, Instant since, String channel, String ts,
                       Instant expiresAt, String decidedBy) {

    enum State {
        POSTING, PENDING, APPROVED, REJECTED, EXPIRED
    }

    static PendingApproval posting(RunbookRequest request, String holder, Instant now) {
        return new PendingApproval(request, State.POSTING, holder, now, null, null, null, null);
    }

    PendingApproval pending(String postedChannel, String postedTs, Instant now, Instant expires) {
        return new PendingApproval(request, State.PENDING, null, now, postedChannel, postedTs, expires, null);
    }

    PendingApproval decided(State decision, String by, Instant now) {
        return new PendingApproval(request, decision, null, now, channel, ts, expiresAt, by);
    }
}
