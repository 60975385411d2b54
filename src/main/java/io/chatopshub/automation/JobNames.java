package io.chatopshub.automation;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Job names derived from the Slack request rather than drawn at random: Azure creates a job per
 * name only once, so a retried delivery or a second hub instance handling the same request puts
 * the same name and cannot start the runbook twice.
 */
public final class JobNames {

    private static final String NAMESPACE = "chatops-hub:runbook:";

    private JobNames() {
    }

    /** A name-based UUID (version 3) of the Slack {@code trigger_id}. */
    public static String fromTriggerId(String triggerId) {
        if (triggerId == null || triggerId.isBlank()) {
            throw new IllegalArgumentException("a trigger_id is needed to name the job");
        }
        return UUID.nameUUIDFromBytes((NAMESPACE + triggerId.strip()).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
