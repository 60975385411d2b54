package io.chatopshub.cloudwatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertSource;
import io.chatopshub.alerts.AlertStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Reads the CloudWatch alarm JSON that SNS carries as a string in {@code Message}. A topic may
 * carry other publishers' messages too; those are not alarms and give no alert.
 */
public final class CloudwatchAlarms {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter STATE_CHANGE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private CloudwatchAlarms() {
    }

    /** The alert of a verified notification, or empty when its message is not a CloudWatch alarm. */
    public static Optional<Alert> toAlert(SnsMessage notification) {
        if (!notification.isNotification()) {
            return Optional.empty();
        }
        JsonNode alarm;
        try {
            alarm = MAPPER.readTree(notification.message());
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (alarm == null || !alarm.isObject()) {
            return Optional.empty();
        }
        String name = text(alarm, "AlarmName");
        String state = text(alarm, "NewStateValue");
        if (name == null || state == null) {
            return Optional.empty();
        }
        String arn = text(alarm, "AlarmArn");
        String region = regionOf(arn);
        Instant changed = time(text(alarm, "StateChangeTime"));
        JsonNode trigger = alarm.path("Trigger");

        Map<String, String> details = new LinkedHashMap<>();
        details.put("newStateValue", state);
        details.put("oldStateValue", text(alarm, "OldStateValue"));
        details.put("region", region);
        details.put("regionName", text(alarm, "Region"));
        details.put("accountId", text(alarm, "AWSAccountId"));
        details.put("alarmDescription", text(alarm, "AlarmDescription"));
        details.put("namespace", text(trigger, "Namespace"));
        details.put("metricName", text(trigger, "MetricName"));
        details.put("comparisonOperator", text(trigger, "ComparisonOperator"));
        details.put("threshold", text(trigger, "Threshold"));
        details.put("subject", notification.subject());
        details.put("topicArn", notification.topicArn());
        details.put("messageId", notification.messageId());

        return Optional.of(new Alert(AlertSource.CLOUDWATCH, arn != null ? arn : name, AlertStatus.fromCloudwatch(state),
                name, target(trigger), text(alarm, "NewStateReason"), consoleUrl(arn, region, name), null,
                changed, changed, details, "cloudwatch:" + notification.messageId()));
    }

    /** {@code AWS/EC2 CPUUtilization (InstanceId=i-0abc)}, or the expression of a metric-math alarm. */
    static String target(JsonNode trigger) {
        if (!trigger.isObject()) {
            return null;
        }
        String metric = text(trigger, "MetricName");
        if (metric != null) {
            String namespace = text(trigger, "Namespace");
            var dimensions = new StringJoiner(", ", " (", ")").setEmptyValue("");
            for (JsonNode dimension : trigger.path("Dimensions")) {
                String dimName = text(dimension, "name");
                String value = text(dimension, "value");
                if (dimName != null && value != null) {
                    dimensions.add(dimName + "=" + value);
                }
            }
            return (namespace == null ? "" : namespace + " ") + metric + dimensions;
        }
        String expression = null;
        for (JsonNode m : trigger.path("Metrics")) {
            String candidate = text(m, "Expression");
            if (candidate != null && (expression == null || m.path("ReturnData").asBoolean(false))) {
                expression = candidate;
            }
        }
        if (expression != null) {
            return "metric math: " + expression;
        }
        return trigger.path("Metrics").isArray() ? "metric math" : null;
    }

    private static String regionOf(String arn) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        return parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
    }

    private static String consoleUrl(String arn, String region, String name) {
        if (arn == null || region == null || !arn.startsWith("arn:aws:")) {
            return null;
        }
        return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region
                + "#alarmsV2:alarm/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Instant time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value, STATE_CHANGE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.asText();
    }
}
