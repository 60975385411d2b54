package io.chatopshub.mackerel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertSource;
import io.chatopshub.alerts.AlertStatus;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.InvalidSignatureException;
import io.chatopshub.system.Json;
import io.chatopshub.system.Secrets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Authentication and reading of Mackerel webhook deliveries.
 *
 * <p>Mackerel documents that items may be added to its payloads at any time, and host-less
 * alerts (external, expression, service monitors) carry no {@code host} at all, some not even an
 * {@code alert.id}; so unknown keys are ignored and most fields are optional. What an alert is
 * keyed, filed and announced by must still make sense when it is there, or a malformed delivery
 * would open a ticket of an alert that never was: a body that is not a JSON object, an alert with
 * neither id nor URL, and an alert whose {@code id}, {@code url}, {@code status} or times are of
 * the wrong type (or whose {@code status} is missing) are refused, naming the fields. A status word
 * other than Mackerel's four is taken as {@code UNKNOWN}.
 */
public class MackerelWebhook {

    private static final Pattern ALERT_URL_ID = Pattern.compile("/alerts/([A-Za-z0-9_-]+)/?$");
    /**
     * The values of {@code alert.status} Mackerel documents, in lower case. Another word is kept as
     * {@code UNKNOWN}, not refused: Mackerel does not send a refused notification again, and a
     * status it adds one day must not cost an alert.
     */
    private static final List<String> ALERT_STATUSES = List.of("ok", "warning", "critical", "unknown");
    /** Epoch times in {@code alert}: seconds, {@code createdAt} milliseconds. */
    private static final List<String> ALERT_TIMES = List.of("openedAt", "closedAt", "createdAt", "statusChangedAt");
    private static final List<String> ALERT_GROUP_TIMES = List.of("createdAt", "closedAt");
    private static final Pattern EPOCH_TEXT = Pattern.compile("\\d{1,15}");
    /** Epoch values above this are milliseconds ({@code createdAt}); below, seconds. */
    private static final long MILLIS_THRESHOLD = 100_000_000_000L;

    private final MackerelProperties properties;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public MackerelWebhook(MackerelProperties properties) {
        this.properties = properties;
    }

    /**
     * Checks the {@code token} query parameter in constant time.
     *
     * @throws InvalidSignatureException when it is missing or wrong, or no token is configured
     */
    public void checkToken(String token) {
        if (!properties.enabled()) {
            throw new InvalidSignatureException("Mackerel webhook is disabled: chatops.mackerel.webhook-token is not set");
        }
        if (!Secrets.constantTimeEquals(properties.webhookToken(), token)) {
            throw new InvalidSignatureException("Mackerel webhook token is missing or wrong");
        }
    }

    /** @throws BadRequestException when the body is not a JSON object or an alert cannot be keyed */
    public MackerelEvent parse(String body) {
        JsonNode root;
        try {
            root = body == null ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("Mackerel body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException("Mackerel body is not a JSON object");
        }
        String event = text(root, "event");
        if (event == null) {
            return new MackerelEvent.Ignored("");
        }
        return switch (event) {
            case "alert" -> new MackerelEvent.AlertNotification(alert(root));
            case "alertGroup" -> new MackerelEvent.AlertGroupNotification(alertGroup(root));
            case "sample" -> new MackerelEvent.Sample(text(root, "message"));
            default -> new MackerelEvent.Ignored(event);
        };
    }

    private Alert alert(JsonNode root) {
        JsonNode alert = root.path("alert");
        if (!alert.isObject()) {
            throw new BadRequestException("Mackerel alert event without an alert object");
        }
        checkAlertFields(alert);
        String url = text(alert, "url");
        String id = text(alert, "id");
        if (id == null && url != null) {
            var m = ALERT_URL_ID.matcher(url);
            id = m.find() ? m.group(1) : null;
        }
        if (id == null) {
            throw new BadRequestException("Mackerel alert has neither alert.id nor an alert URL to key it on");
        }
        String rawStatus = text(alert, "status");
        AlertStatus status = AlertStatus.fromMackerel(rawStatus);

        JsonNode host = root.path("host");
        JsonNode service = root.path("service");
        String target = host.isObject() ? text(host, "name") : null;
        if (target == null && service.isObject()) {
            target = text(service, "name");
        }

        Instant occurred = epoch(alert.get("openedAt"));
        if (occurred == null) {
            occurred = epoch(alert.get("createdAt"));
        }
        Instant changed = epoch(alert.get("statusChangedAt"));
        if (changed == null) {
            changed = epoch(alert.get("closedAt"));
        }
        if (changed == null) {
            changed = occurred;
        }

        Map<String, String> details = new LinkedHashMap<>();
        details.put("event", "alert");
        details.put("type", text(root, "type"));
        details.put("orgName", text(root, "orgName"));
        details.put("status", rawStatus);
        details.put("isOpen", scalar(alert.get("isOpen")));
        details.put("trigger", text(alert, "trigger"));
        details.put("metricLabel", text(alert, "metricLabel"));
        details.put("metricValue", scalar(alert.get("metricValue")));
        details.put("monitorOperator", text(alert, "monitorOperator"));
        details.put("warningThreshold", scalar(alert.get("warningThreshold")));
        details.put("criticalThreshold", scalar(alert.get("criticalThreshold")));
        details.put("memo", text(root, "memo"));
        details.put("imageUrl", text(root, "imageUrl"));
        if (host.isObject()) {
            details.put("hostId", text(host, "id"));
            details.put("hostStatus", text(host, "status"));
        }
        if (service.isObject()) {
            details.put("service", text(service, "name"));
        }
        JsonNode user = root.path("user");
        if (user.isObject()) {
            details.put("closedBy", text(user, "screenName"));
        }

        String statusChangedAt = scalar(alert.get("statusChangedAt"));
        String dedupKey = "mackerel:" + id + ":" + (rawStatus == null ? "" : rawStatus) + ":"
                + (statusChangedAt == null ? "" : statusChangedAt);
        String title = text(alert, "monitorName");
        return new Alert(AlertSource.MACKEREL, id, status,
                title == null ? "Mackerel " + (text(root, "type") == null ? "alert" : text(root, "type") + " alert") : title,
                target, reason(root, alert, status), url, host.isObject() ? text(host, "url") : null,
                occurred, changed, details, dedupKey);
    }

    /**
     * Refuses an alert whose fields the hub keys, files and announces it by are there but of the
     * wrong type, or whose status is missing or not one of Mackerel's; every such field is named.
     * An absent (or null) {@code id}, {@code url} or time is fine: host-less alerts lack some.
     */
    private static void checkAlertFields(JsonNode alert) {
        List<String> problems = problems("alert", alert, ALERT_TIMES);
        if (!present(alert.get("id")) && !present(alert.get("url"))) {
            problems.add("alert.id or alert.url is required to key the alert on");
        }
        refuseIfAny("alert", problems);
    }

    /** The same for an alert group, which Mackerel always names by its id. */
    private static void checkAlertGroupFields(JsonNode group) {
        List<String> problems = problems("alertGroup", group, ALERT_GROUP_TIMES);
        if (!present(group.get("id"))) {
            problems.add("alertGroup.id is required to key the alert group on");
        }
        refuseIfAny("alert group", problems);
    }

    /** What is wrong with the id, url, status and times of an alert or alert group ({@code name}). */
    private static List<String> problems(String name, JsonNode node, List<String> times) {
        List<String> problems = new ArrayList<>();
        JsonNode id = node.get("id");
        if (present(id) && !Json.isText(id)) {
            problems.add(name + ".id must be a non-empty string");
        }
        JsonNode url = node.get("url");
        if (present(url) && !url.isTextual()) {
            problems.add(name + ".url must be a string");
        }
        JsonNode status = node.get("status");
        if (!Json.isText(status)) {
            problems.add(name + ".status must be a string (" + String.join(", ", ALERT_STATUSES) + ")");
        }
        for (String field : times) {
            JsonNode time = node.get(field);
            if (present(time) && !isEpoch(time)) {
                problems.add(name + "." + field + " must be a number (epoch time)");
            }
        }
        return problems;
    }

    private static void refuseIfAny(String what, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new BadRequestException("Mackerel " + what + " refused: " + String.join("; ", problems));
        }
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull();
    }

    /** A JSON number, or its digits in a string (read as such by {@link #epoch}). */
    private static boolean isEpoch(JsonNode value) {
        return value.isNumber() && value.canConvertToLong()
                || value.isTextual() && EPOCH_TEXT.matcher(value.asText()).matches();
    }

    /** The message Mackerel wrote, or a metric sentence built from the threshold fields. */
    private static String reason(JsonNode root, JsonNode alert, AlertStatus status) {
        String message = text(root, "message");
        if (message != null && !message.isBlank()) {
            return message;
        }
        String label = text(alert, "metricLabel");
        if (label == null) {
            return null;
        }
        var text = new StringBuilder(label);
        String value = scalar(alert.get("metricValue"));
        if (value != null) {
            text.append(' ').append(value);
        }
        String threshold = scalar(alert.get(status == AlertStatus.WARNING ? "warningThreshold" : "criticalThreshold"));
        String operator = text(alert, "monitorOperator");
        if (operator != null && threshold != null && status != AlertStatus.OK) {
            text.append(' ').append(operator).append(' ').append(threshold);
        }
        return text.toString();
    }

    private Alert alertGroup(JsonNode root) {
        JsonNode group = root.path("alertGroup");
        if (!group.isObject()) {
            throw new BadRequestException("Mackerel alertGroup event without an alertGroup object");
        }
        checkAlertGroupFields(group);
        String id = text(group, "id");
        JsonNode setting = root.path("alertGroupSetting");
        String rawStatus = text(group, "status");
        Instant created = epoch(group.get("createdAt"));
        Instant closed = epoch(group.get("closedAt"));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("event", "alertGroup");
        details.put("orgName", text(root, "orgName"));
        details.put("status", rawStatus);
        details.put("alertGroupSettingUrl", text(setting, "url"));
        details.put("memo", text(setting, "memo"));
        String name = text(setting, "name");
        String dedupKey = "mackerel:alertGroup:" + id + ":" + (rawStatus == null ? "" : rawStatus) + ":"
                + (closed != null ? closed.getEpochSecond() : created != null ? created.getEpochSecond() : "");
        return new Alert(AlertSource.MACKEREL, id, AlertStatus.fromMackerel(rawStatus),
                name == null ? "Mackerel alert group" : name, null,
                "Alert group " + (name == null ? id : name) + " is " + (rawStatus == null ? "UNKNOWN" : rawStatus),
                text(group, "url"), null, created, closed != null ? closed : created, details, dedupKey);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.asText();
    }

    private static String scalar(JsonNode value) {
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        return value.asText();
    }

    private static Instant epoch(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        long n;
        if (value.isNumber()) {
            n = value.asLong();
        } else if (value.isTextual() && EPOCH_TEXT.matcher(value.asText()).matches()) {
            n = Long.parseLong(value.asText());
        } else {
            return null;
        }
        return n >= MILLIS_THRESHOLD ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
    }
}
