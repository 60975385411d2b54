package io.chatopshub.backlog;

import java.util.Optional;

/** What {@link BacklogTickets#handle} did with one notification. */
public record TicketOutcome(Action action, Optional<String> issueKey, Optional<String> issueUrl) {

    public enum Action {
        /** A new issue was created. */
        OPENED,
        /** The open issue got a comment about the new status. */
        COMMENTED,
        /** The open issue got a closing comment and was closed. */
        CLOSED,
        /** Same status as already recorded, an out-of-order older notification, or already closed. */
        UNCHANGED,
        /** An OK for an alert with no open issue. */
        NOTHING_OPEN,
        /** Backlog is not configured; the calls were only logged. */
        DRY_RUN
    }

    static TicketOutcome of(Action action, String issueKey, Optional<String> issueUrl) {
        return new TicketOutcome(action, Optional.ofNullable(issueKey), issueUrl);
    }
}
