package io.chatopshub.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
