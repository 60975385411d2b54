package io.chatopshub.alerts;

import java.util.Locale;

/**
 * The four states every monitoring source is folded into, so tickets and Slack messages need
 * one vocabulary. Anything a source sends that is not understood becomes {@link #UNKNOWN}
 * rather than an error: a new status from a monitoring service must not lose the alert.
 */
public enum AlertStatus {
    OK,
    WARNING,
    CRITICAL,
    UNKNOWN;

    /** Mackerel uses lower-case in {@code alert.status} and upper-case in {@code alertGroup.status}. */
    public static AlertStatus fromMackerel(String status) {
        if (status == null) {
            return UNKNOWN;
        }
        return switch (status.trim().toLowerCase(Locale.ROOT)) {
            case "ok" -> OK;
            case "warning" -> WARNING;
            case "critical" -> CRITICAL;
            default -> UNKNOWN;
        };
    }

    /** CloudWatch {@code NewStateValue}: ALARM is the only state that means "act now". */
    public static AlertStatus fromCloudwatch(String state) {
        if (state == null) {
            return UNKNOWN;
        }
        return switch (state.trim().toUpperCase(Locale.ROOT)) {
            case "OK" -> OK;
            case "ALARM" -> CRITICAL;
            default -> UNKNOWN;
        };
    }

    /** Lower-case form used in ticket summaries ({@code critical@web-01 - …}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
