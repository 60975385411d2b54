package io.chatopshub.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.http.RequestMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.chatopshub.system.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Acknowledge button on an alert message: who took it is shown in the message, its thread, and the Backlog issue. */
class AlertAcknowledgeTests extends AlertsHubTest {

    @Test
    void acknowledgeRecordsWhoTookTheAlertInTheMessageItsThreadAndTheBacklogIssue() throws Exception {
        String id = "4gAckAlert1";
        assertThat(postMackerel(mackerel("alert-critical-host.json", id), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !issueKeys(id).isEmpty() && !alertMessages(id).isEmpty()
                && !slack("chat.", f -> f.getOrDefault("blocks", "").contains("Ticket " + issueKeys(id).get(0))).isEmpty());
        String ts = alertMessages(id).get(0).get("answer.ts");
        String issueKey = issueKeys(id).get(0);
        // the hub records its message after Slack answered; a press before that is ignored as not its message
        awaitHubSettled();

        press("U0ALICE", "alice", ts, id);

        await().atMost(Duration.ofSeconds(30)).until(() -> !acknowledgeComments(issueKey).isEmpty()
                && !slack("chat.postMessage", f -> ts.equals(f.get("thread_ts"))).isEmpty());
        Map<String, String> update = slack("chat.update", f -> ts.equals(f.get("ts")) && f.get("blocks").contains("Acknowledged"))
                .get(0);
        assertThat(update.get("blocks")).contains(":eyes: Acknowledged by <@U0ALICE>").contains("Ticket " + issueKey)
                .doesNotContain("alert.ack");
        assertThat(slack("chat.postMessage", f -> ts.equals(f.get("thread_ts")))).singleElement()
                .satisfies(reply -> assertThat(reply.get("text")).isEqualTo(":eyes: Acknowledged by <@U0ALICE>"));
        assertThat(acknowledgeComments(issueKey)).containsExactly("Acknowledged in Slack by alice (U0ALICE)");

        press("U0BOB", "bob", ts, id);
        press("U0ALICE", "alice", ts, id);
        // both presses are queued once answered: settled means they have been handled
        awaitHubSettled();
        assertThat(slack("chat.postMessage", f -> ts.equals(f.get("thread_ts")))).hasSize(1);
        assertThat(acknowledgeComments(issueKey)).hasSize(1);
    }

    @Test
    void aPressTheHubCannotPlaceIsToldToThePersonAndChangesNothing() throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/actions/ack-unknown")).willReturn(aResponse().withStatus(200).withBody("ok")));

        press("U0CAROL", "carol", "1700009999.000100", "4gNeverPosted", slackApi.baseUrl() + "/actions/ack-unknown");

        await().atMost(Duration.ofSeconds(30)).until(() -> !slackApi.findAll(postRequestedFor(urlPathEqualTo("/actions/ack-unknown"))).isEmpty());
        awaitHubSettled();
        var answers = slackApi.findAll(postRequestedFor(urlPathEqualTo("/actions/ack-unknown")));
        assertThat(answers).singleElement().satisfies(answer -> {
            var body = Json.readObject(answer.getBodyAsString());
            assertThat(body.path("response_type").asText()).isEqualTo("ephemeral");
            assertThat(body.path("replace_original").asBoolean(true)).isFalse();
            assertThat(body.path("text").asText()).isEqualTo(":hourglass: This alert message is not one the hub follows (yet): "
                    + "if it was posted a moment ago, press Acknowledge again; nothing was changed.");
        });
        assertThat(slack("chat.update")).isEmpty();
        assertThat(slack("chat.postMessage")).isEmpty();
        assertThat(backlogApi.getAllServeEvents()).isEmpty();
    }

    private void press(String user, String name, String ts, String id) throws Exception {
        press(user, name, ts, id, null);
    }

    private void press(String user, String name, String ts, String id, String responseUrl) throws Exception {
        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user + "\",\"username\":\"" + name
                + "\",\"team_id\":\"T0123456\"},\"api_app_id\":\"A0123\",\"container\":{\"type\":\"message\",\"message_ts\":\""
                + ts + "\",\"channel_id\":\"" + CHANNEL + "\",\"is_ephemeral\":false},"
                + "\"trigger_id\":\"" + System.nanoTime() + ".1.2\",\"team\":{\"id\":\"T0123456\",\"domain\":\"acme\"},"
                + "\"channel\":{\"id\":\"" + CHANNEL + "\",\"name\":\"alerts\"},"
                + "\"actions\":[{\"action_id\":\"alert.ack\",\"block_id\":\"alert-actions\",\"value\":\"mackerel|" + id
                + "\",\"type\":\"button\",\"action_ts\":\"" + System.nanoTime() + ".1\"}]"
                + (responseUrl == null ? "" : ",\"response_url\":\"" + responseUrl + "\"") + "}";
        assertThat(postSlackInteraction(payload).statusCode()).isEqualTo(200);
    }

    private static List<Map<String, String>> alertMessages(String id) {
        return slack("chat.postMessage", f -> !f.containsKey("thread_ts") && f.getOrDefault("blocks", "").contains("mackerel|" + id));
    }

    private static List<String> issueKeys(String id) {
        return backlogApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().equals(POST) && e.getRequest().getUrl().startsWith("/api/v2/issues?")
                        && e.getResponse().getStatus() == 201
                        && formOf(e.getRequest().getBodyAsString()).getOrDefault("description", "").contains("Alert ID: " + id))
                .map(e -> Json.readObject(e.getResponse().getBodyAsString()).get("issueKey").asText()).toList();
    }

    private static List<String> acknowledgeComments(String issueKey) {
        return backlog(POST, "/api/v2/issues/" + issueKey + "/comments").stream()
                .map(r -> formOf(r.getBodyAsString()).getOrDefault("content", ""))
                .filter(c -> c.startsWith("Acknowledged")).toList();
    }
}
