package io.chatopshub.alerts;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How alert storms are grouped before they reach Slack.
 *
 * @param groupWait      how long a burst is collected before its first digest
 * @param groupInterval  how often a digest is updated while its group changes
 * @param groupThreshold more alerts than this within {@code groupWait} become one digest
 */
@Validated
@ConfigurationProperties("chatops.alerts")
public record AlertsProperties(
        @DefaultValue("30s") Duration groupWait,
        @DefaultValue("5m") Duration groupInterval,
        @DefaultValue("5") @Min(1) int groupThreshold) {

    /** Shorter is a number written without its unit ({@code 30} is 30 ms): no grouping at all. */
    private static final Duration AT_LEAST = Duration.ofSeconds(1);

    public AlertsProperties {
        if (groupWait == null || groupWait.compareTo(AT_LEAST) < 0) {
            throw new IllegalArgumentException("chatops.alerts.group-wait is " + groupWait
                    + ": must be at least 1s, e.g. 30s (a number without a unit is milliseconds)");
        }
        if (groupInterval == null || groupInterval.compareTo(AT_LEAST) < 0) {
            throw new IllegalArgumentException("chatops.alerts.group-interval is " + groupInterval
                    + ": must be at least 1s, e.g. 5m (a number without a unit is milliseconds)");
        }
    }
}
