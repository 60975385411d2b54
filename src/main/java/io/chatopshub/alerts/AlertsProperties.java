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

    public AlertsProperties {
        if (groupWait == null || groupWait.isNegative() || groupWait.isZero()) {
            throw new IllegalArgumentException("chatops.alerts.group-wait must be a positive duration, e.g. 30s");
        }
        if (groupInterval == null || groupInterval.isNegative() || groupInterval.isZero()) {
            throw new IllegalArgumentException("chatops.alerts.group-interval must be a positive duration, e.g. 5m");
        }
    }
}
