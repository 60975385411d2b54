package io.chatopshub.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What an alert looks like in Slack. Pure functions, so the wording is tested once here and
 * every route (bot token or incoming webhook, single alert or storm digest) shows the same.
 *
 * <p>Text from monitoring sources is escaped for Slack's mrkdwn ({@code &}, {@code <}, {@code >}),
 * so a host or alarm name cannot turn into a mention or a link.
 */
public final class AlertMessages {

    /** Slack allows 3000 characters in a section; stay below with room for the "more" line. */
    private static final int SECTION_LIMIT = 2900;
    /** Alerts listed by name in a digest; the rest are only counted. */
    static final int DIGEST_LISTED = 30;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private AlertMessages() {
    }

    public static String emoji(AlertStatus status) {
        return switch (status) {
            case CRITICAL -> ":red_circle:";
            case WARNING -> ":warning:";
            case OK -> ":white_check_mark:";
            case UNKNOWN -> ":grey_question:";
        };
    }

    public static String color(AlertStatus status) {
        return switch (status) {
            case CRITICAL -> "#E01E5A";
            case WARNING -> "#ECB22E";
            case OK -> "#2EB67D";
            case UNKNOWN -> "#9E9E9E";
        };
    }

    /** One alert without a ticket (yet). */
    public static SlackAlertMessage alert(Alert alert) {
        return alert(alert, null, null);
    }

    /**
     * One alert. CloudWatch alarms read {@code <AlarmName> state is now <NewStateValue>:
     * <NewStateReason>} as people know them from AWS's own e-mails; Mackerel alerts read
     * {@code [CRITICAL] <monitor> @ <target>: <reason>}.
     *
     * @param ticketKey Backlog issue key once the ticket exists, else null
     * @param ticketUrl link to that issue, else null
     */
    public static SlackAlertMessage alert(Alert alert, String ticketKey, String ticketUrl) {
        String headline = headline(alert);
        ArrayNode blocks = JSON.arrayNode();

        String title = link(alert.alertUrl(), nonBlank(alert.title(), alert.key()));
        section(blocks, emoji(alert.status()) + " *" + title + "*\n" + escape(headline));

        ObjectNode fields = blocks.addObject();
        fields.put("type", "section");
        ArrayNode fieldList = fields.putArray("fields");
        field(fieldList, "Status", statusText(alert));
        field(fieldList, "Target", alert.target() == null ? "-" : escape(alert.target()));
        if (alert.changedAt() != null) {
            field(fieldList, "Since", TIME.format(alert.changedAt()));
        }
        field(fieldList, "Source", alert.source() == AlertSource.CLOUDWATCH ? "CloudWatch" : "Mackerel");

        var links = new StringJoiner("  |  ");
        if (isWebLink(alert.alertUrl())) {
            links.add(link(alert.alertUrl(), "Alert"));
        }
        if (isWebLink(alert.hostUrl())) {
            links.add(link(alert.hostUrl(), "Host"));
        }
        if (ticketKey != null && !ticketKey.isBlank()) {
            links.add(isWebLink(ticketUrl) ? link(ticketUrl, "Ticket " + ticketKey) : "Ticket " + escape(ticketKey));
        }
        if (links.length() > 0) {
            context(blocks, links.toString());
        }
        return new SlackAlertMessage(escape(headline), color(alert.status()), blocks);
    }

    /** The plain sentence of an alert, before escaping. */
    static String headline(Alert alert) {
        if (alert.source() == AlertSource.CLOUDWATCH) {
            String state = nonBlank(alert.detail("newStateValue"), alert.status().name());
            return nonBlank(alert.title(), alert.key()) + " state is now " + state + ": "
                    + (alert.reason() == null ? "" : alert.reason());
        }
        var text = new StringBuilder("[").append(alert.status().name()).append("] ")
                .append(nonBlank(alert.title(), alert.key()));
        if (alert.target() != null && !alert.target().isBlank()) {
            text.append(" @ ").append(alert.target());
        }
        if (alert.reason() != null && !alert.reason().isBlank()) {
            text.append(": ").append(alert.reason());
        }
        return text.toString();
    }

    /** The Mackerel test button: shown as a sample so nobody takes it for an incident. */
    public static SlackAlertMessage sample(String message) {
        String text = ":test_tube: Mackerel sample notification: "
                + escape(nonBlank(message, "(no message)"));
        ArrayNode blocks = JSON.arrayNode();
        section(blocks, text);
        context(blocks, "Sent by the Mackerel test button; no ticket is opened.");
        return new SlackAlertMessage(text, color(AlertStatus.UNKNOWN), blocks);
    }

    /**
     * One message for a storm: counts by status and the alerts by name, latest notification per
     * incident (same source and key), worst first. Beyond {@value #DIGEST_LISTED} alerts the rest
     * are only counted, so the message stays within Slack's limits however big the storm.
     */
    public static SlackAlertMessage digest(Collection<Alert> alerts) {
        Map<String, Alert> latest = new LinkedHashMap<>();
        for (Alert alert : alerts) {
            latest.merge(alert.source() + "|" + alert.key(), alert, AlertMessages::later);
        }
        List<Alert> incidents = new ArrayList<>(latest.values());
        incidents.sort((a, b) -> Integer.compare(severity(b.status()), severity(a.status())));

        Map<AlertStatus, Integer> counts = new EnumMap<>(AlertStatus.class);
        incidents.forEach(a -> counts.merge(a.status(), 1, Integer::sum));
        var countText = new StringJoiner(", ");
        for (AlertStatus status : List.of(AlertStatus.CRITICAL, AlertStatus.WARNING, AlertStatus.UNKNOWN, AlertStatus.OK)) {
            Integer n = counts.get(status);
            if (n != null) {
                countText.add(n + " " + status.label());
            }
        }
        String text = ":rotating_light: " + incidents.size() + (incidents.size() == 1 ? " alert" : " alerts")
                + (incidents.isEmpty() ? "" : " (" + countText + ")");
        AlertStatus worst = incidents.isEmpty() ? AlertStatus.OK : incidents.get(0).status();

        ArrayNode blocks = JSON.arrayNode();
        section(blocks, "*" + text + "*");
        var lines = new StringBuilder();
        int listed = 0;
        for (Alert alert : incidents) {
            if (listed == DIGEST_LISTED) {
                break;
            }
            String line = emoji(alert.status()) + " " + alert.status().name() + " "
                    + link(alert.alertUrl(), nonBlank(alert.title(), alert.key()))
                    + (alert.target() == null ? "" : " @ " + escape(alert.target())) + "\n";
            if (lines.length() + line.length() > SECTION_LIMIT) {
                section(blocks, lines.toString().stripTrailing());
                lines.setLength(0);
            }
            lines.append(line);
            listed++;
        }
        if (!lines.isEmpty()) {
            section(blocks, lines.toString().stripTrailing());
        }
        if (incidents.size() > listed) {
            context(blocks, "…and " + (incidents.size() - listed) + " more");
        }
        return new SlackAlertMessage(text, color(worst), blocks);
    }

    private static Alert later(Alert a, Alert b) {
        if (a.changedAt() != null && b.changedAt() != null && a.changedAt().isAfter(b.changedAt())) {
            return a;
        }
        return b;
    }

    private static int severity(AlertStatus status) {
        return switch (status) {
            case CRITICAL -> 3;
            case WARNING -> 2;
            case UNKNOWN -> 1;
            case OK -> 0;
        };
    }

    private static String statusText(Alert alert) {
        String raw = alert.detail("newStateValue");
        String text = emoji(alert.status()) + " " + alert.status().name();
        return raw != null && !raw.equals(alert.status().name()) ? text + " (" + escape(raw) + ")" : text;
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        ObjectNode section = blocks.addObject();
        section.put("type", "section");
        ObjectNode text = section.putObject("text");
        text.put("type", "mrkdwn");
        text.put("text", truncate(mrkdwn));
    }

    private static void context(ArrayNode blocks, String mrkdwn) {
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        ObjectNode element = context.putArray("elements").addObject();
        element.put("type", "mrkdwn");
        element.put("text", truncate(mrkdwn));
    }

    private static void field(ArrayNode fields, String name, String value) {
        ObjectNode field = fields.addObject();
        field.put("type", "mrkdwn");
        field.put("text", "*" + name + "*\n" + value);
    }

    private static String link(String url, String label) {
        if (!isWebLink(url)) {
            return escape(label);
        }
        return "<" + url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
                + "|" + escape(label).replace("|", "¦") + ">";
    }

    private static boolean isWebLink(String url) {
        return url != null && (url.startsWith("https://") || url.startsWith("http://"));
    }

    /** Slack's three control characters in mrkdwn. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String truncate(String text) {
        return text.length() <= SECTION_LIMIT ? text : text.substring(0, SECTION_LIMIT - 1) + "…";
    }
}
