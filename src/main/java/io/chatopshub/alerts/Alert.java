package io.chatopshub.alerts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One alert notification from any monitoring source, in the shape the ticket and Slack steps
 * share. It travels through the durable queue as JSON, so it holds plain values only and
 * tolerates fields a newer hub version may add.
 *
 * @param source    where it came from
 * @param key       correlation key of the incident: Mackerel {@code alert.id}, CloudWatch {@code AlarmArn};
 *                  every notification of one incident carries the same key
 * @param status    normalised status of this notification
 * @param title     monitor name or alarm name
 * @param target    host name, service name, or the alarm's metric and dimensions; null when unknown
 * @param reason    why it fired, as the source words it
 * @param alertUrl  link to the alert in the source's console
 * @param hostUrl   link to the host, for host-scoped alerts
 * @param occurredAt when the incident started
 * @param changedAt when this status was reached
 * @param details   source-specific extras (raw state names, thresholds, region, ...)
 * @param dedupKey  identical for repeated deliveries of the same notification, different otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Alert(
        AlertSource source,
        String key,
        AlertStatus status,
        String title,
        String target,
        String reason,
        String alertUrl,
        String hostUrl,
        Instant occurredAt,
        Instant changedAt,
        Map<String, String> details,
        String dedupKey) {

    public Alert {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(dedupKey, "dedupKey");
        var copy = new LinkedHashMap<String, String>();
        if (details != null) {
            details.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k, v);
                }
            });
        }
        details = Collections.unmodifiableMap(copy);
    }

    /** A detail value, or null. */
    public String detail(String name) {
        return details.get(name);
    }
}
