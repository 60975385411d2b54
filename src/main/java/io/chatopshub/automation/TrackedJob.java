package io.chatopshub.automation;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the hub remembers about one job, in the state store under {@code runbook:job:<job name>}
 * and shared by every instance. Every change is a compare-and-set on the whole value, so when two
 * deliveries race only one moves it on.
 *
 * @param request the request being run
 * @param phase where the job is in its life on the hub
 * @param holder the delivery (JMS message id) posting the progress message, while {@link Phase#POSTING}
 * @param since when the current phase began; for {@link Phase#TRACKING}, when tracking began
 * @param channel channel of the progress message
 * @param ts timestamp of the progress message, also the thread of the output
 * @param status last status shown in the progress message, as Azure spells it
 * @param seq number of the poll that is due next; older poll messages are stale copies
 * @param approvedBy who approved the run, when it needed approval
 * @param stoppedBy who pressed Cancel; set before the stop is sent to Azure, so a second press is
 *        refused and a retry of the first sends it again
 * @param stopSent whether Azure accepted the stop
 *
 * <p>The stop fields are left out of the JSON while unset, so an entry written before Cancel
 * existed still compares equal to itself and its compare-and-set goes through after an upgrade.
 */
record TrackedJob(RunbookRequest request, Phase phase, String holder, Instant since, String channel, String ts,
                  String status, int seq, String approvedBy,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String stoppedBy,
                  @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean stopSent) {

    enum Phase {
        /** The progress message is being posted. */
        POSTING,
        /** Posted; the job is being created in Azure. */
        STARTING,
        /** Created; polls follow it. */
        TRACKING,
        /** Final status reported, or the hub gave up; nothing more happens. */
        DONE
    }

    static TrackedJob posting(RunbookRequest request, String holder, Instant now, String approvedBy) {
        return new TrackedJob(request, Phase.POSTING, holder, now, null, null, null, 0, approvedBy, null, false);
    }

    TrackedJob posted(String postedChannel, String postedTs, String shownStatus, Instant now) {
        return new TrackedJob(request, Phase.STARTING, null, now, postedChannel, postedTs, shownStatus, 0, approvedBy,
                stoppedBy, stopSent);
    }

    TrackedJob tracking(String shownStatus, Instant now) {
        return new TrackedJob(request, Phase.TRACKING, null, now, channel, ts, shownStatus, 1, approvedBy,
                stoppedBy, stopSent);
    }

    TrackedJob polled(String shownStatus) {
        return new TrackedJob(request, phase, holder, since, channel, ts, shownStatus, seq + 1, approvedBy,
                stoppedBy, stopSent);
    }

    TrackedJob done(String shownStatus) {
        return new TrackedJob(request, Phase.DONE, null, since, channel, ts, shownStatus, seq + 1, approvedBy,
                stoppedBy, stopSent);
    }

    TrackedJob stopping(String by) {
        return new TrackedJob(request, phase, holder, since, channel, ts, status, seq, approvedBy, by, false);
    }

    TrackedJob stopped() {
        return new TrackedJob(request, phase, holder, since, channel, ts, status, seq, approvedBy, stoppedBy, true);
    }

    /** Whether the progress message still offers Cancel. */
    boolean cancellable() {
        return phase != Phase.DONE && stoppedBy == null;
    }
}
