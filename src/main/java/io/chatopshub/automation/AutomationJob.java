package io.chatopshub.automation;

import java.time.Instant;

/**
 * What Azure says about one job.
 *
 * @param name the job name chosen by the hub (see {@link JobNames})
 * @param status the job status; {@link JobStatus#UNKNOWN} keeps the raw word in {@code statusText}
 * @param statusText the status exactly as Azure sent it
 * @param provisioningState Azure's resource state ({@code Processing}, {@code Succeeded}, …), separate from status
 * @param creationTime when Azure accepted the job, if known
 * @param startTime when it started running, if it has
 * @param endTime when it ended, if it has
 * @param exception the error text Azure reports for a failed or suspended job, if any
 * @param dryRun true when no call was made because Azure credentials are not set
 */
public record AutomationJob(String name, JobStatus status, String statusText, String provisioningState,
                            Instant creationTime, Instant startTime, Instant endTime, String exception,
                            boolean dryRun) {

    /** A job of a hub without Azure credentials: created at {@code created}, running until {@code ended} when it ended. */
    static AutomationJob dryRun(String name, JobStatus status, Instant created, Instant ended) {
        return new AutomationJob(name, status, status.azureName(), null, created, ended == null ? null : created, ended,
                null, true);
    }
}
