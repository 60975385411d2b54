package io.chatopshub.mackerel;

import static com.github.tomakehurst.wiremock.http.RequestMethod.GET;
import static com.github.tomakehurst.wiremock.http.RequestMethod.PATCH;
import static com.github.tomakehurst.wiremock.http.RequestMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.chatopshub.alerts.AlertsHubTest;
import io.chatopshub.system.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mackerel webhooks through the HTTP endpoint into Backlog issues and Slack messages. */
class MackerelAlertsTests extends AlertsHubTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> VARIANTS = List.of("alert-critical-host.json", "alert-critical-service.json",
            "alert-warning-host-less.json", "alert-minimal-host-less.json", "alertgroup-critical.json", "sample.json",
            "host-status.json");

    /**
     * The hub is shared with the other alert tests: what one test set off (including the window
     * timer of a single alert, group-wait later) is finished before the next one looks at the stubs.
     */
    @AfterEach
    void hubHasFinished() {
        awaitHubSettled();
    }

    @Test
    void aWrongOrMissingTokenIsRefusedWith401ForEveryVariantAndNothingIsSent() throws Exception {
        for (String file : VARIANTS) {
            String body = mackerel(file, "4gWrongTok01");
            for (String token : new String[] {"wrong-token", null, MACKEREL_TOKEN + "x", ""}) {
                var response = postMackerel(body, token);
                assertThat(response.statusCode()).as(file + " with token " + token).isEqualTo(401);
                assertThat(Json.readObject(response.body()).path("error").asText()).isEqualTo("unauthorized");
                assertThat(response.body()).doesNotContain(MACKEREL_TOKEN);
            }
        }
        awaitHubSettled();
        assertThat(slackApi.getAllServeEvents()).isEmpty();
        assertThat(backlogApi.getAllServeEvents()).isEmpty();
    }

    @Test
    void oneAlertOpensCommentsOnAndClosesOneIssueAndItsSlackMessageFollows() throws Exception {
        String id = "4gLifeCyc01";
        var opened = postMackerel(mackerel("alert-warning-host.json", id), MACKEREL_TOKEN);
        assertThat(opened.statusCode()).isEqualTo(202);
        assertThat(Json.readObject(opened.body()).path("status").asText()).isEqualTo("accepted");

        await().atMost(WAIT).until(() -> issuesCreatedFor(id).size() == 1);
        Map<String, String> created = formOf(issuesCreatedFor(id).get(0).getBodyAsString());
        assertThat(created).containsEntry("projectId", "10").containsEntry("issueTypeId", "20")
                .containsEntry("priorityId", "3")
                .containsEntry("summary", "warning@web-01 - CPU usage (occurred at 2026-11-21 10:00 UTC)")
                .containsEntry("description", """
                        Alert: CPU usage
                        Status: warning
                        Target: web-01
                        Reason: CPU % 82.5 > 80
                        Occurred at: 2026-11-21 10:00 UTC

                        Alert URL: https://mackerel.io/orgs/acme/alerts/4gLifeCyc01
                        Host URL: https://mackerel.io/orgs/acme/hosts/3Ejv7nNbE5x
                        Alert ID: 4gLifeCyc01
                        Source: mackerel
                        """);
        assertThat(issuesCreatedFor(id).get(0).queryParameter("apiKey").firstValue()).isEqualTo(BACKLOG_KEY);

        await().atMost(WAIT).until(() -> postsFor(id).size() == 1);
        Map<String, String> post = postsFor(id).get(0);
        assertThat(post).containsEntry("channel", CHANNEL)
                .containsEntry("text", "[WARNING] CPU usage @ web-01: CPU % 82.5 &gt; 80")
                .doesNotContainKey("thread_ts");
        assertThat(post.get("blocks")).contains(":warning: *<https://mackerel.io/orgs/acme/alerts/" + id + "|CPU usage>*");
        String ts = post.get("answer.ts");
        String issueKey = issueKeyFromTicketLink(id, ts);

        assertThat(postMackerel(mackerel("alert-critical-host.json", id), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> backlog(POST, "/api/v2/issues/" + issueKey + "/comments").size() == 1);
        assertThat(formOf(backlog(POST, "/api/v2/issues/" + issueKey + "/comments").get(0).getBodyAsString()))
                .containsEntry("content", "Status changed from warning to critical\nReason: CPU % 95.1 > 90\n"
                        + "At: 2026-11-21 10:05 UTC\nAlert URL: https://mackerel.io/orgs/acme/alerts/" + id);
        await().atMost(WAIT).until(() -> threadReplies(ts).size() == 1 && updatesWithText(ts, "[CRITICAL]").size() == 1);
        assertThat(threadReplies(ts).get(0)).containsEntry("channel", CHANNEL)
                .containsEntry("text", "[CRITICAL] CPU usage @ web-01: CPU % 95.1 &gt; 90");
        assertThat(updatesWithText(ts, "[CRITICAL]").get(0).get("blocks")).contains("Ticket " + issueKey);

        assertThat(postMackerel(mackerel("alert-ok-host.json", id), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> backlog(PATCH, "/api/v2/issues/" + issueKey).size() == 1);
        assertThat(formOf(backlog(PATCH, "/api/v2/issues/" + issueKey).get(0).getBodyAsString()))
                .containsEntry("statusId", "4")
                .containsEntry("comment", "Recovered (was critical): ok\nReason: CPU % 12.0\nAt: 2026-11-21 10:15 UTC\n"
                        + "Alert URL: https://mackerel.io/orgs/acme/alerts/" + id);
        await().atMost(WAIT).until(() -> threadReplies(ts).size() == 2 && updatesWithText(ts, "[OK]").size() == 1);
        assertThat(threadReplies(ts).get(1)).containsEntry("text", "[OK] CPU usage @ web-01: CPU % 12.0");
        assertThat(updatesWithText(ts, "[OK]").get(0).get("blocks")).contains(":white_check_mark:")
                .contains("Ticket " + issueKey);

        assertThat(postMackerel(mackerel("alert-ok-host.json", id), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        // the repeated recovery is queued once accepted: settled means both pipelines have dealt with it
        awaitHubSettled();
        assertThat(issuesCreatedFor(id)).hasSize(1);
        assertThat(backlog(POST, "/api/v2/issues/.*/comments")).hasSize(1);
        assertThat(backlog(PATCH, "/api/v2/issues/.*")).hasSize(1);
        assertThat(postsFor(id)).hasSize(1);
        assertThat(threadReplies(ts)).hasSize(2);
        assertThat(backlogApi.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getBodyAsString())
                .doesNotContain(BACKLOG_KEY));
    }

    @Test
    void repeatedNotificationsOfOneStateOpenOneIssueAndPostOneMessage() throws Exception {
        String id = "4gRepeated1";
        for (int i = 0; i < 3; i++) {
            assertThat(postMackerel(mackerel("alert-critical-host.json", id), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        }
        await().atMost(WAIT).until(() -> issuesCreatedFor(id).size() == 1 && postsFor(id).size() == 1);
        awaitHubSettled();
        assertThat(issuesCreatedFor(id)).hasSize(1);
        assertThat(postsFor(id)).hasSize(1);
        assertThat(backlog(POST, "/api/v2/issues/.*/comments")).isEmpty();
    }

    @Test
    void serviceHostLessAndAlertGroupAlertsBecomeIssuesAndMessages() throws Exception {
        assertThat(postMackerel(mackerel("alert-critical-service.json", "4gServic001"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        assertThat(postMackerel(mackerel("alert-warning-host-less.json", "4gHostLes01"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        assertThat(postMackerel(mackerel("alert-minimal-host-less.json", "4gMinimal01"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        assertThat(postMackerel(mackerel("alertgroup-critical.json", "4gGroupAb01"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);

        await().atMost(WAIT).until(() -> backlog(POST, "/api/v2/issues").size() == 4 && slack("chat.postMessage").size() == 4);
        assertThat(backlog(POST, "/api/v2/issues").stream().map(r -> formOf(r.getBodyAsString()).get("summary")))
                .containsExactlyInAnyOrder(
                        "critical@shop - shop - orders.failed (occurred at 2026-11-21 10:10 UTC)",
                        "warning - shop.example.com response time (occurred at 2026-11-21 10:01 UTC)",
                        "critical - api health check (occurred at 2026-11-21 10:02 UTC)",
                        "critical - shop frontend (occurred at 2026-11-21 10:00 UTC)");
        assertThat(slack("chat.postMessage", f -> true).stream().map(f -> f.get("text")))
                .containsExactlyInAnyOrder(
                        "[CRITICAL] shop - orders.failed @ shop: orders.failed 12 &gt; 10",
                        "[WARNING] shop.example.com response time: shop.example.com response time 1830 &gt; 1500",
                        "[CRITICAL] api health check",
                        "[CRITICAL] shop frontend: Alert group shop frontend is CRITICAL");
        assertThat(backlog(POST, "/api/v2/issues").stream().map(r -> formOf(r.getBodyAsString()).get("description")))
                .anySatisfy(d -> assertThat(d).contains("Alert ID: 4gMinimal01\n"))
                .anySatisfy(d -> assertThat(d).contains("Alert URL: https://mackerel.io/orgs/acme/alert-groups/4gGroupAb01\n"
                        + "Alert ID: 4gGroupAb01\n"));
    }

    @Test
    void theTestButtonIsAnnouncedAsASampleAndOpensNoIssue() throws Exception {
        var response = postMackerel(resource("/mackerel/sample.json"), MACKEREL_TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(Json.readObject(response.body()).path("event").asText()).isEqualTo("sample");
        await().atMost(WAIT).until(() -> slack("chat.postMessage").size() == 1);
        assertThat(form(slack("chat.postMessage").get(0))).containsEntry("channel", CHANNEL)
                .containsEntry("text", ":test_tube: Mackerel sample notification: Sample Notification from Mackerel");
        awaitHubSettled();
        assertThat(backlogApi.getAllServeEvents()).isEmpty();
    }

    @Test
    void otherEventsAreAcceptedAndIgnoredAndABrokenBodyIs400() throws Exception {
        var response = postMackerel(resource("/mackerel/host-status.json"), MACKEREL_TOKEN);
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(Json.readObject(response.body()).path("status").asText()).isEqualTo("ignored");
        assertThat(Json.readObject(response.body()).path("event").asText()).isEqualTo("hostStatus");

        var broken = postMackerel("{\"event\":\"alert\",", MACKEREL_TOKEN);
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(Json.readObject(broken.body()).path("error").asText()).isEqualTo("bad_request");

        awaitHubSettled();
        assertThat(slackApi.getAllServeEvents()).isEmpty();
        assertThat(backlogApi.getAllServeEvents()).isEmpty();
    }

    @Test
    void anAlertWithFieldsOfTheWrongTypeIsRefusedWith400NamingThemAndNothingIsFiledOrPosted() throws Exception {
        String id = "4gMalform01";
        Map<String, List<String>> refused = new java.util.LinkedHashMap<>();
        refused.put("{\"event\":\"alert\",\"alert\":{\"id\":5,\"status\":7,\"statusChangedAt\":\"abc\"}}",
                List.of("alert.id", "alert.status", "alert.statusChangedAt"));
        refused.put(withAlertField("4gMalform02", "id", Json.mapper().getNodeFactory().textNode("")), List.of("alert.id"));
        refused.put(withAlertField("4gMalform03", "status", null), List.of("alert.status"));
        refused.put(withAlertField("4gMalform04", "status", Json.mapper().getNodeFactory().numberNode(3)),
                List.of("alert.status"));
        // the same alert state as the well-formed notification below: a refusal claims nothing
        refused.put(withAlertField(id, "openedAt", Json.mapper().getNodeFactory().textNode("abc")), List.of("alert.openedAt"));

        for (var body : refused.entrySet()) {
            var response = postMackerel(body.getKey(), MACKEREL_TOKEN);
            assertThat(response.statusCode()).as(body.getKey()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
            var error = Json.readObject(response.body());
            assertThat(error.path("error").asText()).isEqualTo("bad_request");
            assertThat(error.path("message").asText()).contains(body.getValue()).doesNotContain("at io.");
        }

        assertThat(postMackerel(mackerel("alert-critical-host.json", id), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> issuesCreatedFor(id).size() == 1 && postsFor(id).size() == 1);
        awaitHubSettled();
        assertThat(backlog(POST, "/api/v2/issues")).hasSize(1);
        assertThat(slack("chat.postMessage")).hasSize(1);
        assertThat(backlogApi.getAllServeEvents()).noneSatisfy(e -> assertThat(e.getRequest().getBodyAsString())
                .containsAnyOf("4gMalform02", "4gMalform03", "4gMalform04"));
    }

    // ---- helpers ----

    /** The critical host alert with another id and one field of {@code alert} replaced (null: removed). */
    private static String withAlertField(String alertId, String field, com.fasterxml.jackson.databind.JsonNode value) {
        var body = Json.readObject(mackerel("alert-critical-host.json", alertId));
        var alert = (com.fasterxml.jackson.databind.node.ObjectNode) body.get("alert");
        if (value == null) {
            alert.remove(field);
        } else {
            alert.set(field, value);
        }
        return body.toString();
    }

    private static List<LoggedRequest> issuesCreatedFor(String alertId) {
        return backlog(POST, "/api/v2/issues").stream()
                .filter(r -> formOf(r.getBodyAsString()).getOrDefault("description", "").contains("Alert ID: " + alertId + "\n"))
                .toList();
    }

    private static List<Map<String, String>> postsFor(String alertId) {
        return slack("chat.postMessage", f -> f.get("thread_ts") == null
                && f.getOrDefault("blocks", "").contains("/alerts/" + alertId + "|"));
    }

    /**
     * The ticket link is in the alert's message: in the post when the issue existed by then,
     * otherwise in an update of it. The issue key is the one Backlog returned.
     */
    private static String issueKeyFromTicketLink(String alertId, String ts) {
        await().atMost(WAIT).until(() -> !ticketMessages(alertId, ts).isEmpty());
        var m = java.util.regex.Pattern.compile("Ticket (OPS-\\d+)").matcher(ticketMessages(alertId, ts).get(0).get("blocks"));
        assertThat(m.find()).isTrue();
        String key = m.group(1);
        assertThat(backlogApi.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().equals(POST))
                .map(e -> e.getResponse().getBodyAsString())).anySatisfy(b -> assertThat(b).contains("\"" + key + "\""));
        assertThat(backlog(GET, "/api/v2/issues")).isNotEmpty();
        return key;
    }

    private static List<Map<String, String>> ticketMessages(String alertId, String ts) {
        var withLink = new java.util.ArrayList<>(slack("chat.postMessage", f -> ts.equals(f.get("answer.ts"))
                && f.getOrDefault("blocks", "").contains("Ticket OPS-")));
        withLink.addAll(slack("chat.update", f -> ts.equals(f.get("ts")) && f.getOrDefault("blocks", "").contains("Ticket OPS-")));
        return withLink;
    }

    private static List<Map<String, String>> threadReplies(String ts) {
        return slack("chat.postMessage", f -> ts.equals(f.get("thread_ts")));
    }

    private static List<Map<String, String>> updatesWithText(String ts, String prefix) {
        return slack("chat.update", f -> ts.equals(f.get("ts")) && f.getOrDefault("text", "").startsWith(prefix));
    }
}
