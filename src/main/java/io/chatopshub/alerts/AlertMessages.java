package io.chatopshub.alerts;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.ButtonElement;
import io.chatopshub.slack.Mrkdwn;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What an alert looks like in Slack. Pure functions, so the wording is tested once here and
 * every route (bot token or incoming webhook, single alert or storm digest) shows the same.
 *
 * <p>Every value from a monitoring source (names, hosts, reasons, URLs) goes through
 * {@link Mrkdwn}: escaped, and a link only when it is an http(s) URL, so a host or alarm name
 * cannot turn into a mention or a link.
 */
public final class AlertMessages {

    /** Slack allows 3,000 characters in a section's text; stay below. */
    static final int SECTION_LIMIT = 2900;
    /** Slack allows 50 blocks in a message. */
    static final int BLOCKS_PER_MESSAGE = 50;
    /** Slack truncates a message's text beyond 40,000 characters; a digest page stays far below. */
    static final int CHARACTERS_PER_MESSAGE = 36_000;
    /** The Acknowledge button's action; {@code slack/SlackActions} routes {@code alert.*} to {@code slack-action-alert}. */
    public static final String ACK_ACTION = "alert.ack";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

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
        return alert(alert, null, null, null);
    }

    public static SlackAlertMessage alert(Alert alert, String ticketKey, String ticketUrl) {
        return alert(alert, ticketKey, ticketUrl, null);
    }

    /**
     * One alert. CloudWatch alarms read {@code <AlarmName> state is now <NewStateValue>:
     * <NewStateReason>} as people know them from AWS's own e-mails; Mackerel alerts read
     * {@code [CRITICAL] <monitor> @ <target>: <reason>}. An open alert nobody took yet carries
     * an Acknowledge button; once taken, the message says by whom instead.
     *
     * @param ticketKey Backlog issue key once the ticket exists, else null
     * @param ticketUrl link to that issue, else null
     * @param ackedBy   Slack user id of who acknowledged it, else null
     */
    public static SlackAlertMessage alert(Alert alert, String ticketKey, String ticketUrl, String ackedBy) {
        String headline = headline(alert);
        List<LayoutBlock> blocks = new ArrayList<>();

        String title = Mrkdwn.link(alert.alertUrl(), nonBlank(alert.title(), alert.key()));
        blocks.add(section(emoji(alert.status()) + " *" + title + "*\n" + Mrkdwn.escape(headline)));

        List<TextObject> fields = new ArrayList<>();
        fields.add(field("Status", statusText(alert)));
        fields.add(field("Target", alert.target() == null ? "-" : Mrkdwn.escape(alert.target())));
        if (alert.changedAt() != null) {
            fields.add(field("Since", TIME.format(alert.changedAt())));
        }
        fields.add(field("Source", alert.source() == AlertSource.CLOUDWATCH ? "CloudWatch" : "Mackerel"));
        blocks.add(SectionBlock.builder().fields(fields).build());

        var links = new StringJoiner("  |  ");
        if (Mrkdwn.isWebUrl(alert.alertUrl())) {
            links.add(Mrkdwn.link(alert.alertUrl(), "Alert"));
        }
        if (Mrkdwn.isWebUrl(alert.hostUrl())) {
            links.add(Mrkdwn.link(alert.hostUrl(), "Host"));
        }
        if (ticketKey != null && !ticketKey.isBlank()) {
            links.add(Mrkdwn.isWebUrl(ticketUrl) ? Mrkdwn.link(ticketUrl, "Ticket " + ticketKey)
                    : "Ticket " + Mrkdwn.escape(ticketKey));
        }
        if (links.length() > 0) {
            blocks.add(context(links.toString()));
        }
        if (ackedBy != null) {
            blocks.add(context(":eyes: " + acknowledgedBy(ackedBy)));
        } else if (alert.status() != AlertStatus.OK) {
            blocks.add(ActionsBlock.builder().blockId("alert-actions").elements(List.of(ButtonElement.builder()
                    .actionId(ACK_ACTION)
                    .text(PlainTextObject.builder().text("Acknowledge").emoji(true).build())
                    .value(incident(alert))
                    .style("primary")
                    .build())).build());
        }
        return new SlackAlertMessage(Mrkdwn.escape(headline), color(alert.status()), blocks);
    }

    /** The button's value: which incident it is about. */
    public static String incident(Alert alert) {
        return alert.source().id() + "|" + alert.key();
    }

    /** {@code Acknowledged by <@U123>}: what the message, and its thread, say once someone took the alert. */
    public static String acknowledgedBy(String userId) {
        return "Acknowledged by <@" + userId.replaceAll("[^A-Za-z0-9]", "") + ">";
    }

    /** The thread reply when someone pressed Acknowledge. */
    public static SlackAlertMessage acknowledgement(String userId) {
        String text = ":eyes: " + acknowledgedBy(userId);
        return new SlackAlertMessage(text, color(AlertStatus.UNKNOWN), List.of(section(text)));
    }

    /** A list message of a digest whose alerts now fit in fewer messages. */
    static SlackAlertMessage emptyPage() {
        String text = "(the list is shorter now; see the messages above)";
        return new SlackAlertMessage(text, color(AlertStatus.UNKNOWN), List.of(context(text)));
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
        String text = ":test_tube: Mackerel sample notification: " + Mrkdwn.escape(nonBlank(message, "(no message)"));
        return new SlackAlertMessage(text, color(AlertStatus.UNKNOWN),
                List.of(section(text), context("Sent by the Mackerel test button; no ticket is opened.")));
    }

    /** The latest notification per incident (same source and key), worst first, then by name. */
    static List<Alert> incidents(Collection<Alert> alerts) {
        Map<String, Alert> latest = new LinkedHashMap<>();
        for (Alert alert : alerts) {
            latest.merge(alert.source() + "|" + alert.key(), alert, AlertMessages::later);
        }
        List<Alert> incidents = new ArrayList<>(latest.values());
        incidents.sort(Comparator.comparingInt((Alert a) -> -severity(a.status())));
        return incidents;
    }

    /**
     * The first message of a storm's digest: counts by status and the newest alert. The full
     * list follows in its thread ({@link #digestPages}), {@code pages} messages of it.
     */
    public static SlackAlertMessage digest(Collection<Alert> alerts, int pages) {
        List<Alert> incidents = incidents(alerts);
        String text = summaryText(incidents);
        AlertStatus worst = incidents.isEmpty() ? AlertStatus.OK : incidents.get(0).status();
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section("*" + text + "*"));
        incidents.stream().filter(a -> a.changedAt() != null).max(Comparator.comparing(Alert::changedAt))
                .or(() -> incidents.stream().findFirst())
                .ifPresent(newest -> blocks.add(section("Newest: " + line(newest))));
        if (pages > 0) {
            blocks.add(context("Every alert of this storm is listed in the thread (" + pages
                    + (pages == 1 ? " message" : " messages") + "); this message and the list are updated as they change."));
        }
        return new SlackAlertMessage(text, color(worst), blocks);
    }

    /** A digest without its list: the summary of {@link #digest(Collection, int)} alone. */
    public static SlackAlertMessage digest(Collection<Alert> alerts) {
        return digest(alerts, 0);
    }

    /**
     * Every alert of a digest, one line each, in as many messages as Slack's limits need:
     * sections of at most {@value #SECTION_LIMIT} characters, at most {@value #BLOCKS_PER_MESSAGE}
     * blocks and {@value #CHARACTERS_PER_MESSAGE} characters a message.
     */
    public static List<SlackAlertMessage> digestPages(Collection<Alert> alerts) {
        List<String> lines = incidents(alerts).stream().map(AlertMessages::line)
                .map(l -> l.length() > SECTION_LIMIT ? l.substring(0, SECTION_LIMIT - 1) + "…" : l).toList();
        var pager = new Pager();
        lines.forEach(pager::add);
        pager.closePage();
        List<SlackAlertMessage> out = new ArrayList<>();
        int from = 1;
        for (int p = 0; p < pager.pages.size(); p++) {
            int to = from + pager.lineCounts.get(p) - 1;
            String heading = "Alerts " + from + "–" + to + " of " + lines.size();
            List<LayoutBlock> blocks = new ArrayList<>();
            blocks.add(context(heading));
            pager.pages.get(p).forEach(s -> blocks.add(section(s)));
            out.add(new SlackAlertMessage(heading, color(AlertStatus.UNKNOWN), blocks));
            from = to + 1;
        }
        return out;
    }

    /** Lines into sections, sections into messages, each within Slack's limits. */
    private static final class Pager {
        final List<List<String>> pages = new ArrayList<>();
        final List<Integer> lineCounts = new ArrayList<>();
        private List<String> sections = new ArrayList<>();
        private int pageChars;
        private int pageLines;
        private final StringBuilder section = new StringBuilder();
        private int sectionLines;

        void add(String line) {
            if (!section.isEmpty() && section.length() + 1 + line.length() > SECTION_LIMIT) {
                closeSection();
            }
            if (!section.isEmpty()) {
                section.append('\n');
            }
            section.append(line);
            sectionLines++;
        }

        private void closeSection() {
            if (section.isEmpty()) {
                return;
            }
            // one block of each message is its heading
            if (sections.size() + 2 > BLOCKS_PER_MESSAGE || pageChars + section.length() > CHARACTERS_PER_MESSAGE) {
                closeFullPage();
            }
            sections.add(section.toString());
            pageChars += section.length();
            pageLines += sectionLines;
            section.setLength(0);
            sectionLines = 0;
        }

        void closePage() {
            closeSection();
            closeFullPage();
        }

        private void closeFullPage() {
            if (!sections.isEmpty()) {
                pages.add(sections);
                lineCounts.add(pageLines);
            }
            sections = new ArrayList<>();
            pageChars = 0;
            pageLines = 0;
        }
    }

    /** {@code :red_circle: CRITICAL <url|CPU usage> @ web-01 · `4gAbc`}: one alert in a digest. */
    static String line(Alert alert) {
        return emoji(alert.status()) + " " + alert.status().name() + " "
                + Mrkdwn.link(alert.alertUrl(), nonBlank(alert.title(), alert.key()))
                + (alert.target() == null || alert.target().isBlank() ? "" : " @ " + Mrkdwn.escape(alert.target()))
                + (alert.source() == AlertSource.MACKEREL ? " · " + Mrkdwn.code(alert.key()) : "");
    }

    private static String summaryText(List<Alert> incidents) {
        Map<AlertStatus, Integer> counts = new EnumMap<>(AlertStatus.class);
        incidents.forEach(a -> counts.merge(a.status(), 1, Integer::sum));
        var countText = new StringJoiner(", ");
        for (AlertStatus status : List.of(AlertStatus.CRITICAL, AlertStatus.WARNING, AlertStatus.UNKNOWN, AlertStatus.OK)) {
            Integer n = counts.get(status);
            if (n != null) {
                countText.add(n + " " + status.label());
            }
        }
        return ":rotating_light: " + incidents.size() + (incidents.size() == 1 ? " alert" : " alerts")
                + (incidents.isEmpty() ? "" : " (" + countText + ")");
    }

    private static Alert later(Alert a, Alert b) {
        Instant ta = a.changedAt();
        Instant tb = b.changedAt();
        if (ta != null && tb != null && ta.isAfter(tb)) {
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
        return raw != null && !raw.equals(alert.status().name()) ? text + " (" + Mrkdwn.escape(raw) + ")" : text;
    }

    private static SectionBlock section(String mrkdwn) {
        return SectionBlock.builder().text(markdown(mrkdwn)).build();
    }

    private static ContextBlock context(String mrkdwn) {
        return ContextBlock.builder().elements(List.of(markdown(mrkdwn))).build();
    }

    private static MarkdownTextObject field(String name, String value) {
        return markdown("*" + name + "*\n" + value);
    }

    private static MarkdownTextObject markdown(String text) {
        return MarkdownTextObject.builder().text(truncate(text)).build();
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String truncate(String text) {
        return text.length() <= SECTION_LIMIT ? text : text.substring(0, SECTION_LIMIT - 1) + "…";
    }
}
