package io.chatopshub.automation;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of the runbook audit trail: a decision or an outcome, with enough of the request on
 * every line that each line can be read alone.
 *
 * @param time when this was recorded
 * @param event what happened
 * @param requestId the request (Slack trigger id)
 * @param teamId Slack team of the requester
 * @param userId Slack user who asked
 * @param actorId who acted on the request when that is not the requester, e.g. who pressed a button
 * @param channelId where it was asked
 * @param runbook runbook name
 * @param parameters parameters, credential-looking values masked when written
 * @param reason why it was refused, or what failed
 * @param approvedBy who approved
 * @param rejectedBy who rejected
 * @param jobName Azure job name
 * @param outcome final job status
 * @param requestedAt when the person asked
 * @param startedAt when the job started running in Azure
 * @param endedAt when it ended
 * @param durationSeconds from request to end, for outcomes
 * @param project deploy target, on the lines about releases (which have no runbook)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(Instant time, Event event, String requestId, String teamId, String userId, String actorId,
                         String channelId,
                         String runbook, Map<String, String> parameters, String reason, String approvedBy,
                         String rejectedBy, String jobName, String outcome, Instant requestedAt, Instant startedAt,
                         Instant endedAt, Long durationSeconds, String project) {

    public enum Event {
        LISTED, ALLOWED, REFUSED, APPROVAL_REQUESTED, APPROVED, REJECTED, EXPIRED, STARTED, FINISHED, FAILED,
        /** A running job was stopped from Slack (Cancel). */
        STOPPED,
        /** Releases were frozen, for one project or all. */
        FROZEN,
        /** A release freeze was lifted. */
        UNFROZEN
    }

    /**
     * A decision about a release from Slack (allowed, refused and why, approval asked, approved or
     * rejected by whom, expired, frozen), on the same trail as runbooks so one file answers "who
     * did what".
     *
     * @param actorId who acted when that is not the requester (approver, rejecter), or null
     */
    public static AuditEntry release(Event event, String requestId, String teamId, String userId, String actorId,
                                     String channelId, String project, String reason) {
        return new AuditEntry(null, event, requestId, teamId, userId, actorId, channelId, null, null, reason,
                event == Event.APPROVED ? actorId : null, event == Event.REJECTED ? actorId : null, null, null, null,
                null, null, null, project);
    }

    /** Someone asked which runbooks they may run ({@code /runbook help}). */
    public static AuditEntry listed(RunbookRequest request) {
        return of(Event.LISTED, request, null, null, null, null);
    }

    public static AuditEntry allowed(RunbookRequest request) {
        return of(Event.ALLOWED, request, null, null, null, null);
    }

    public static AuditEntry refused(RunbookRequest request, String reason) {
        return of(Event.REFUSED, request, reason, null, null, null);
    }

    /** A button press on {@code request} by {@code actorId} that was refused. */
    public static AuditEntry refusedPress(RunbookRequest request, String actorId, String reason) {
        return of(Event.REFUSED, request, reason, null, null, null).actedBy(actorId);
    }

    public static AuditEntry approvalRequested(RunbookRequest request) {
        return of(Event.APPROVAL_REQUESTED, request, null, null, null, null);
    }

    public static AuditEntry approved(RunbookRequest request, String approverId) {
        return of(Event.APPROVED, request, null, approverId, null, null).actedBy(approverId);
    }

    public static AuditEntry rejected(RunbookRequest request, String rejecterId) {
        return of(Event.REJECTED, request, null, null, rejecterId, null).actedBy(rejecterId);
    }

    public static AuditEntry expired(RunbookRequest request) {
        return of(Event.EXPIRED, request, "nobody approved in time", null, null, null);
    }

    public static AuditEntry started(RunbookRequest request, AutomationJob job) {
        return of(Event.STARTED, request, null, null, null, job);
    }

    /** Someone pressed Cancel and Azure accepted the stop. */
    public static AuditEntry stopped(RunbookRequest request, String stopperId) {
        return of(Event.STOPPED, request, null, null, null, null).actedBy(stopperId);
    }

    /** The job reached a final status (or one that needs a person). */
    public static AuditEntry finished(RunbookRequest request, AutomationJob job) {
        return of(Event.FINISHED, request, job.exception(), null, null, job);
    }

    /** The hub could not start or follow the job, e.g. Azure refused the credentials. */
    public static AuditEntry failed(RunbookRequest request, String reason) {
        return of(Event.FAILED, request, reason, null, null, null);
    }

    private static AuditEntry of(Event event, RunbookRequest request, String reason, String approvedBy,
                                 String rejectedBy, AutomationJob job) {
        String outcome = null;
        Instant started = null;
        Instant ended = null;
        Long duration = null;
        if (job != null) {
            outcome = job.statusText() != null ? job.statusText() : job.status().azureName();
            started = job.startTime();
            ended = job.endTime();
            if (ended != null && request.requestedAt() != null) {
                duration = Duration.between(request.requestedAt(), ended).toSeconds();
            }
        }
        return new AuditEntry(null, event, request.requestId(), request.teamId(), request.userId(), null,
                request.channelId(), request.runbook(), request.parameters(), reason, approvedBy, rejectedBy,
                request.jobName(), outcome, request.requestedAt(), started, ended, duration, null);
    }

    AuditEntry actedBy(String actor) {
        return new AuditEntry(time, event, requestId, teamId, userId, actor, channelId, runbook, parameters, reason,
                approvedBy, rejectedBy, jobName, outcome, requestedAt, startedAt, endedAt, durationSeconds, project);
    }

    AuditEntry stamped(Instant now) {
        return new AuditEntry(now, event, requestId, teamId, userId, actorId, channelId, runbook,
                parameters == null ? null : ParameterMasking.mask(parameters), reason, approvedBy, rejectedBy,
                jobName, outcome, requestedAt, startedAt, endedAt, durationSeconds, project);
    }
}
