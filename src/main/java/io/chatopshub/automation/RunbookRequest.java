package io.chatopshub.automation;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One person's request to run a runbook, carried from the slash command through approval to
 * the job. {@code requestId} is what the approval buttons carry; {@code jobName} is fixed up
 * front so every step that touches Azure uses the same, idempotent name.
 *
 * @param requestId stable id of this request (the Slack {@code trigger_id} does well)
 * @param runbook exact runbook name as configured
 * @param parameters parameters as typed, in order
 * @param teamId Slack team of the requester
 * @param channelId Slack channel where it was asked
 * @param userId Slack user who asked
 * @param requestedAt when the slash command arrived
 * @param jobName Azure job name
 */
public record RunbookRequest(String requestId, String runbook, Map<String, String> parameters, String teamId,
                             String channelId, String userId, Instant requestedAt, String jobName) {

    public RunbookRequest {
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A request whose id is the Slack trigger id and whose job name is derived from it. */
    public static RunbookRequest fromTrigger(String triggerId, String runbook, Map<String, String> parameters,
                                             String teamId, String channelId, String userId, Instant requestedAt) {
        return new RunbookRequest(triggerId, runbook, parameters, teamId, channelId, userId, requestedAt,
                JobNames.fromTriggerId(triggerId));
    }
}
