package io.chatopshub.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.Json;

/** What the Slack endpoints answer to requests they must refuse: always a 4xx with a JSON error. */
class SlackEdgeTests extends HubIntegrationTest {

    private static final String EVENT = eventCallback("Ev0EDGE1", mention("U0ALICE", "C0123456", "1.5", "help"));

    private void assertJsonError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
        assertThat(Json.readObject(response.body()).has("error")).isTrue();
        assertThat(response.body()).doesNotContain(SIGNING_SECRET).doesNotContain(BOT_TOKEN).doesNotContain("at io.");
        // Slack is asked not to send again what would be refused again; a signature may be right on a retry
        boolean slackPath = response.request().uri().getPath().startsWith("/slack/");
        assertThat(response.headers().firstValue("X-Slack-No-Retry")).as("X-Slack-No-Retry on %s %d",
                response.request().uri().getPath(), status).isEqualTo(slackPath && status != 401 ? java.util.Optional.of("1")
                        : java.util.Optional.empty());
    }

    @Test
    void aMissingOrForgedSignatureIsRefusedWith401() throws Exception {
        assertJsonError(post("/slack/events", "application/json", EVENT, Map.of()), 401);
        var forged = new LinkedHashMap<>(slackHeaders(EVENT));
        forged.put("X-Slack-Signature", "v0=" + "0".repeat(64));
        assertJsonError(post("/slack/events", "application/json", EVENT, forged), 401);
        var otherBody = slackHeaders(EVENT.replace("help", "hello"));
        assertJsonError(post("/slack/events", "application/json", EVENT, otherBody), 401);
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));
    }

    @Test
    void staleAndFutureTimestampsAreRefusedWith401() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        for (long ts : new long[] { now - 400, now + 400 }) {
            var signer = new SlackSignatureVerifier(SIGNING_SECRET, java.time.Clock.systemUTC());
            var headers = Map.of("X-Slack-Request-Timestamp", String.valueOf(ts), "X-Slack-Signature",
                    signer.sign(String.valueOf(ts), EVENT.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertJsonError(post("/slack/events", "application/json", EVENT, headers), 401);
        }
    }

    @Test
    void signedButMalformedBodiesAreRefusedWith400() throws Exception {
        for (String body : new String[] { "{\"type\":\"event_callback\"", "[1,2]", "not json", "",
                "{\"type\":\"event_callback\",\"event\":{}}" }) {
            assertJsonError(post("/slack/events", "application/json", body, slackHeaders(body)), 400);
        }
        String commandWithoutTrigger = "command=%2Ftest&text=";
        assertJsonError(post("/slack/commands", "application/x-www-form-urlencoded", commandWithoutTrigger,
                slackHeaders(commandWithoutTrigger)), 400);
        String badEscape = "command=%2Ftest&trigger_id=%zz";
        assertJsonError(post("/slack/commands", "application/x-www-form-urlencoded", badEscape, slackHeaders(badEscape)), 400);
        String notPayload = "payload=%7Bbroken";
        assertJsonError(post("/slack/interactions", "application/x-www-form-urlencoded", notPayload,
                slackHeaders(notPayload)), 400);
        String jsonAsForm = "{}";
        assertJsonError(post("/slack/commands", "application/x-www-form-urlencoded", jsonAsForm, slackHeaders(jsonAsForm)), 400);
    }

    @Test
    void aMentionOrDirectMessageWithoutAChannelIsRefusedWith400AndNothingIsSent() throws Exception {
        String mention = mention("U0ALICE", "C0123456", "1700000010.000100", "help");
        String[] refused = {
            eventCallback("Ev0NOCHAN1", mention.replace(",\"channel\":\"C0123456\"", "")),
            eventCallback("Ev0NOCHAN2", mention.replace("\"C0123456\"", "\"\"")),
            eventCallback("Ev0NOCHAN3", mention.replace("\"C0123456\"", "42")),
            eventCallback("Ev0NOCHAN4", mention.replace("\"C0123456\"", "null")),
            eventCallback("Ev0NOCHAN5", "{\"type\":\"message\",\"channel_type\":\"im\",\"user\":\"U0ALICE\","
                    + "\"text\":\"hi\",\"ts\":\"1700000011.000100\",\"event_ts\":\"1700000011.000100\"}"),
        };
        for (String body : refused) {
            var response = postSlackEvent(body);
            assertJsonError(response, 400);
            assertThat(Json.readObject(response.body()).path("error").asText()).isEqualTo("bad_request");
            assertThat(Json.readObject(response.body()).path("message").asText()).contains("event.channel");
        }
        // nor without the person who wrote it, or the message whose thread the answer goes to
        var withoutUserOrTs = postSlackEvent(eventCallback("Ev0NOUSER", mention.replace("\"user\":\"U0ALICE\",", "")
                .replace("\"1700000010.000100\"", "7")));
        assertJsonError(withoutUserOrTs, 400);
        assertThat(Json.readObject(withoutUserOrTs.body()).path("message").asText())
                .isEqualTo("event_callback app_mention needs event.user, the person it answers and whose permissions are checked; "
                        + "event.ts, the message whose thread the answer goes to");
        // events the hub does not answer are taken as before, channel or not
        String[] ignored = {
            "{\"type\":\"reaction_added\",\"user\":\"U0ALICE\",\"reaction\":\"eyes\",\"event_ts\":\"1.1\","
                    + "\"item\":{\"type\":\"message\",\"channel\":\"C0123456\",\"ts\":\"1.0\"}}",
            "{\"type\":\"message\",\"subtype\":\"message_changed\",\"channel_type\":\"im\",\"event_ts\":\"1.2\"}",
            "{\"type\":\"app_mention\",\"bot_id\":\"B0OTHER\",\"user\":\"U0BOT\",\"text\":\"<@U0HUB> help\",\"ts\":\"1.3\"}",
        };
        for (int i = 0; i < ignored.length; i++) {
            assertThat(postSlackEvent(eventCallback("Ev0IGNORED" + i, ignored[i])).statusCode()).isEqualTo(200);
        }

        // the same event with its channel: the refusal claimed nothing, and it is the only one answered
        assertThat(postSlackEvent(eventCallback("Ev0NOCHAN1", mention)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo("C0123456"))
                        .withFormParam("thread_ts", equalTo("1700000010.000100"))));
        awaitHubSettled();
        slackApi.verify(1, postRequestedFor(urlPathMatching("/api/.*")));
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() throws Exception {
        String huge = "{\"type\":\"event_callback\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}";
        assertJsonError(post("/slack/events", "application/json", huge, slackHeaders(huge)), 413);
    }

    @Test
    void unknownPathsAndMethodsGet404And405WithAJsonError() throws Exception {
        var get = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/slack/events")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertJsonError(get, 405);
        assertJsonError(post("/slack/nothing-here", "application/json", "{}", Map.of()), 404);
        assertJsonError(post("/nope", "application/json", "{}", Map.of()), 404);
    }

    @Test
    void operatorEndpointsNeedALoginButHealthDoesNot() throws Exception {
        var health = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        var info = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/info"))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(info.statusCode()).isEqualTo(401);
    }
}
