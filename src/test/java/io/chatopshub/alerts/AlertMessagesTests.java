package io.chatopshub.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.chatopshub.system.Json;
import org.junit.jupiter.api.Test;

class AlertMessagesTests {

    private static Alert cloudwatch(String state, AlertStatus status, String reason) {
        return new Alert(AlertSource.CLOUDWATCH, "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:api-5xx",
                status, "api-5xx", "AWS/ApplicationELB HTTPCode_Target_5XX_Count", reason,
                "https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#alarmsV2:alarm/api-5xx",
                null, Instant.parse("2026-11-21T10:00:00Z"), Instant.parse("2026-11-21T10:00:00Z"),
                Map.of("newStateValue", state), "cloudwatch:m-" + state);
    }

    private static Alert mackerel(String key, AlertStatus status, String title, String target, Instant changed) {
        return new Alert(AlertSource.MACKEREL, key, status, title, target, "reason " + key,
                "https://mackerel.io/orgs/acme/alerts/" + key, null, changed, changed, Map.of(),
                "mackerel:" + key + ":" + status);
    }

    private static JsonNode json(SlackAlertMessage message) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(message.blocksJson());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String allText(SlackAlertMessage message) {
        return allText(json(message));
    }

    private static String allText(JsonNode node) {
        var out = new StringBuilder();
        node.findValues("text").forEach(t -> out.append(t.isTextual() ? t.asText() : allText(t)).append('\n'));
        return out.toString();
    }

    @Test
    void cloudwatchTextIsTheAwsSentence() {
        Alert alert = cloudwatch("ALARM", AlertStatus.CRITICAL,
                "Threshold Crossed: 1 datapoint [12.0 (21/11/26 09:59:00)] was greater than the threshold (10.0).");

        SlackAlertMessage message = AlertMessages.alert(alert);

        assertThat(message.text()).isEqualTo("api-5xx state is now ALARM: Threshold Crossed: 1 datapoint "
                + "[12.0 (21/11/26 09:59:00)] was greater than the threshold (10.0).");
        assertThat(message.color()).isEqualTo("#E01E5A");
        assertThat(allText(message)).contains("api-5xx state is now ALARM")
                .contains(":red_circle: CRITICAL (ALARM)");
    }

    @Test
    void cloudwatchOkAndInsufficientDataKeepTheirAwsStateNames() {
        assertThat(AlertMessages.alert(cloudwatch("OK", AlertStatus.OK, "Threshold Crossed: back to normal.")).text())
                .isEqualTo("api-5xx state is now OK: Threshold Crossed: back to normal.");
        SlackAlertMessage unknown = AlertMessages.alert(cloudwatch("INSUFFICIENT_DATA", AlertStatus.UNKNOWN, "no data"));
        assertThat(unknown.text()).isEqualTo("api-5xx state is now INSUFFICIENT_DATA: no data");
        assertThat(unknown.color()).isEqualTo("#9E9E9E");
    }

    @Test
    void mackerelAlertShowsStatusTargetReasonLinksAndTicket() {
        Alert alert = AlertTests.sample();

        SlackAlertMessage message = AlertMessages.alert(alert, "OPS-42", "https://acme.backlog.com/view/OPS-42");

        assertThat(message.text()).isEqualTo("[CRITICAL] CPU usage @ web-01: CPU % 95.1 &gt; 90");
        String blocks = allText(message);
        assertThat(blocks)
                .contains(":red_circle: *<https://mackerel.io/orgs/acme/alerts/4gMNqzhbbL9|CPU usage>*")
                .contains("*Target*\nweb-01")
                .contains("<https://mackerel.io/orgs/acme/hosts/3Ejv7nNbE5x|Host>")
                .contains("<https://acme.backlog.com/view/OPS-42|Ticket OPS-42>")
                .contains("2026-11-21 10:05 UTC");
        assertThat(Json.readObject(message.payloadJson()).get("text").asText()).isEqualTo(message.text());
        assertThat(message.color()).isEqualTo("#E01E5A");
        JsonNode button = json(message).get(3).get("elements").get(0);
        assertThat(button.get("action_id").asText()).isEqualTo("alert.ack");
        assertThat(button.get("value").asText()).isEqualTo("mackerel|4gMNqzhbbL9");
        assertThat(button.get("text").get("text").asText()).isEqualTo("Acknowledge");
    }

    @Test
    void anAcknowledgedAlertSaysWhoTookItInsteadOfTheButton() {
        SlackAlertMessage message = AlertMessages.alert(AlertTests.sample(), null, null, "U0ALICE");

        assertThat(allText(message)).contains(":eyes: Acknowledged by <@U0ALICE>");
        assertThat(message.blocksJson()).doesNotContain("alert.ack");
        assertThat(AlertMessages.acknowledgement("U0ALICE").text()).isEqualTo(":eyes: Acknowledged by <@U0ALICE>");
    }

    @Test
    void withoutTicketThereIsNoTicketLink() {
        assertThat(allText(AlertMessages.alert(AlertTests.sample()))).doesNotContain("Ticket");
    }

    @Test
    void sourceTextCannotInjectMentionsOrLinks() {
        Alert alert = mackerel("4gA", AlertStatus.WARNING, "<!channel> disk", "<https://evil.example|web>",
                Instant.parse("2026-11-21T10:00:00Z"));

        SlackAlertMessage message = AlertMessages.alert(alert);

        assertThat(message.text()).doesNotContain("<!channel>").contains("&lt;!channel&gt;");
        assertThat(allText(message)).doesNotContain("<!channel>").doesNotContain("<https://evil.example");
    }

    @Test
    void linksOnlyForWebUrls() {
        Alert alert = new Alert(AlertSource.MACKEREL, "4gB", AlertStatus.WARNING, "disk", null, null,
                "javascript:alert(1)", null, null, null, Map.of(), "d");

        assertThat(allText(AlertMessages.alert(alert))).doesNotContain("javascript:");
    }

    @Test
    void eachStatusHasItsEmojiAndColour() {
        assertThat(AlertMessages.emoji(AlertStatus.WARNING)).isEqualTo(":warning:");
        assertThat(AlertMessages.emoji(AlertStatus.OK)).isEqualTo(":white_check_mark:");
        assertThat(AlertMessages.color(AlertStatus.WARNING)).isEqualTo("#ECB22E");
        assertThat(AlertMessages.color(AlertStatus.OK)).isEqualTo("#2EB67D");
    }

    @Test
    void sampleIsAnnouncedAsASample() {
        SlackAlertMessage message = AlertMessages.sample("Sample Notification from Mackerel");

        assertThat(message.text()).isEqualTo(":test_tube: Mackerel sample notification: Sample Notification from Mackerel");
    }

    @Test
    void digestCountsByStatusNamesTheNewestAndListsTheLatestStateOfEachIncidentWorstFirst() {
        Instant t0 = Instant.parse("2026-11-21T10:00:00Z");
        List<Alert> alerts = List.of(
                mackerel("a1", AlertStatus.WARNING, "disk", "db-01", t0),
                mackerel("a2", AlertStatus.OK, "load", "web-02", t0),
                mackerel("a1", AlertStatus.CRITICAL, "disk", "db-01", t0.plusSeconds(60)),
                mackerel("a3", AlertStatus.WARNING, "memory", "web-03", t0),
                mackerel("a4", AlertStatus.CRITICAL, "cpu", "web-04", t0));

        List<SlackAlertMessage> pages = AlertMessages.digestPages(alerts);
        SlackAlertMessage digest = AlertMessages.digest(alerts, pages.size());

        assertThat(digest.text()).isEqualTo(":rotating_light: 4 alerts (2 critical, 1 warning, 1 ok)");
        assertThat(digest.color()).isEqualTo("#E01E5A");
        assertThat(allText(digest)).contains("Newest: :red_circle: CRITICAL <https://mackerel.io/orgs/acme/alerts/a1|disk> @ db-01 · `a1`")
                .contains("listed in the thread (1 message)");
        assertThat(pages).hasSize(1);
        assertThat(json(pages.get(0)).get(0).get("elements").get(0).get("text").asText()).isEqualTo("Alerts 1–4 of 4");
        String list = json(pages.get(0)).get(1).get("text").get("text").asText();
        assertThat(list.lines()).hasSize(4);
        assertThat(list.lines().toList().get(0)).startsWith(":red_circle: CRITICAL");
        assertThat(list.lines().toList().get(3)).startsWith(":white_check_mark: OK").contains("load").contains("web-02");
    }

    @Test
    void aBigStormIsListedWhollyInMessagesWithinSlackLimits() {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            alerts.add(mackerel("k" + i, i % 2 == 0 ? AlertStatus.CRITICAL : AlertStatus.WARNING,
                    "monitor with a fairly long name number " + i, "host-" + i, Instant.parse("2026-11-21T10:00:00Z")));
        }

        List<SlackAlertMessage> pages = AlertMessages.digestPages(alerts);

        assertThat(AlertMessages.digest(alerts, pages.size()).text()).isEqualTo(":rotating_light: 2000 alerts (1000 critical, 1000 warning)");
        assertThat(pages).hasSizeGreaterThan(1);
        var named = new java.util.HashSet<String>();
        for (SlackAlertMessage page : pages) {
            JsonNode blocks = json(page);
            assertThat(blocks.size()).isLessThanOrEqualTo(50);
            int chars = 0;
            for (JsonNode block : blocks) {
                String text = block.has("text") ? block.get("text").get("text").asText()
                        : block.get("elements").get(0).get("text").asText();
                assertThat(text.length()).isLessThanOrEqualTo(3000);
                chars += text.length();
                var m = java.util.regex.Pattern.compile("`(k\\d+)`").matcher(text);
                while (m.find()) {
                    named.add(m.group(1));
                }
            }
            assertThat(chars).isLessThanOrEqualTo(40_000);
        }
        assertThat(named).hasSize(2000);
        assertThat(allText(pages.get(pages.size() - 1))).contains("of 2000");
    }
}
