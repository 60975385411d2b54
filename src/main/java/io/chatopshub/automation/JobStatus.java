package io.chatopshub.automation;

import java.util.Locale;

/**
 * The status of an Azure Automation job as Azure spells it ({@link #azureName()}), plus
 * {@link #UNKNOWN} for a value Azure may add later, so a poller never fails on a new word.
 */
public enum JobStatus {
    NEW("New", ":new:"),
    ACTIVATING("Activating", ":hourglass_flowing_sand:"),
    RUNNING("Running", ":runner:"),
    COMPLETED("Completed", ":white_check_mark:"),
    FAILED("Failed", ":x:"),
    STOPPED("Stopped", ":octagonal_sign:"),
    BLOCKED("Blocked", ":no_entry:"),
    SUSPENDED("Suspended", ":double_vertical_bar:"),
    DISCONNECTED("Disconnected", ":electric_plug:"),
    SUSPENDING("Suspending", ":hourglass_flowing_sand:"),
    STOPPING("Stopping", ":hourglass_flowing_sand:"),
    RESUMING("Resuming", ":arrows_counterclockwise:"),
    REMOVING("Removing", ":wastebasket:"),
    UNKNOWN("Unknown", ":grey_question:");

    private final String azureName;
    private final String emoji;

    JobStatus(String azureName, String emoji) {
        this.azureName = azureName;
        this.emoji = emoji;
    }

    /** Reads Azure's spelling, ignoring case; anything else is {@link #UNKNOWN}. */
    public static JobStatus of(String azureName) {
        if (azureName != null) {
            String wanted = azureName.strip().toLowerCase(Locale.ROOT);
            for (JobStatus status : values()) {
                if (status.azureName.toLowerCase(Locale.ROOT).equals(wanted)) {
                    return status;
                }
            }
        }
        return UNKNOWN;
    }

    public String azureName() {
        return azureName;
    }

    /** Slack emoji shortcode shown next to the status. */
    public String emoji() {
        return emoji;
    }

    /** The job will not change any more: polling can stop and the output can be fetched. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == STOPPED;
    }

    /** The job waits for someone to look at it in Azure; the channel is told so. */
    public boolean needsPerson() {
        return this == SUSPENDED || this == BLOCKED || this == DISCONNECTED;
    }
}
