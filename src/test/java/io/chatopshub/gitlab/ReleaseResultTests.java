package io.chatopshub.gitlab;

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
import java.util.Map;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.chatopshub.system.Json;
import org.junit.jupiter.api.Test;

class ReleaseResultTests extends GitlabHubTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    static String pipelineHook(String status, String channel, String threadTs) {
        return """
                {"object_kind":"pipeline","object_attributes":{"id":987654,"iid":42,"name":null,"ref":"main",
                 "tag":false,"sha":"a1b2","source":"trigger","status":"%s","detailed_status":"%s","stages":["deploy"],
                 "created_at":"2025-01-01 10:00:00 UTC","finished_at":"2025-01-01 10:03:12 UTC","duration":192,
                 "queued_duration":3,"variables":[{"key":"RELEASE","value":"true"},{"key":"channel","value":"%s"},
                 {"key":"timestamp","value":"%s"},{"key":"CHATOPS_REQUEST_ID","value":"Ev0123"}],
                 "url":"https://gitlab.example.com/acme/web/-/pipelines/987654"},
                 "merge_request":null,"user":{"id":1,"name":"Trigger"},
                 "project":{"id":1234,"name":"web","web_url":"https://gitlab.example.com/acme/web",
                 "path_with_namespace":"acme/web","default_branch":"main"},"commit":{"id":"a1b2"},"builds":[]}
                """.formatted(status, status, channel, threadTs);
    }

    HttpResponse<String> postHook(String body, Map<String, String> headers) throws Exception {
        return post("/hooks/gitlab", "application/json", body, headers);
    }

    HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static RequestPatternBuilder reply(String channel, String threadTs, String text) {
        return postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", equalTo(channel))
                .withFormParam("thread_ts", equalTo(threadTs))
                .withFormParam("text", equalTo(text));
    }

    static RequestPatternBuilder reaction(String channel, String ts, String name) {
        return postRequestedFor(urlPathEqualTo("/api/reactions.add"))
                .withFormParam("channel", equalTo(channel))
                .withFormParam("timestamp", equalTo(ts))
                .withFormParam("name", equalTo(name));
    }

    @Test
    void successfulPipelineRepliesInItsThreadWithACheckMarkAndResendsActOnce() throws Exception {
        String body = pipelineHook("success", "C0HOOK1", "1700000201.000100");
        Map<String, String> headers = Map.of("X-Gitlab-Token", WEBHOOK_TOKEN, "X-Gitlab-Event", "Pipeline Hook",
                "Idempotency-Key", "idem-success-1");

        var answer = postHook(body, headers);
        var resend = postHook(body, headers);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body()).path("result").asText()).isEqualTo("accepted");
        assertThat(resend.statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0HOOK1", "1700000201.000100",
                "Pipeline #987654 for web on main succeeded in 3 min 12 s: "
                        + "https://gitlab.example.com/acme/web/-/pipelines/987654")));
        slackApi.verify(1, reaction("C0HOOK1", "1700000201.000100", "white_check_mark"));
        awaitReleaseWorkSettled();
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void failedPipelineRepliesWithACross() throws Exception {
        var answer = postHook(pipelineHook("failed", "C0HOOK2", "1700000202.000100"),
                Map.of("X-Gitlab-Token", WEBHOOK_TOKEN));

        assertThat(answer.statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0HOOK2", "1700000202.000100",
                "Pipeline #987654 for web on main failed in 3 min 12 s: "
                        + "https://gitlab.example.com/acme/web/-/pipelines/987654")));
        slackApi.verify(1, reaction("C0HOOK2", "1700000202.000100", "x"));
    }

    @Test
    void runningPipelinesAndOtherEventKindsAreAnsweredAndIgnored() throws Exception {
        var running = postHook(pipelineHook("running", "C0HOOK3", "1700000203.000100"),
                Map.of("X-Gitlab-Token", WEBHOOK_TOKEN));
        var push = postHook("{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\"}", Map.of("X-Gitlab-Token", WEBHOOK_TOKEN));

        assertThat(running.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(running.body()).path("result").asText()).isEqualTo("ignored");
        assertThat(push.statusCode()).isEqualTo(200);
        // a final status afterwards proves the queue was worked through
        postHook(pipelineHook("canceled", "C0HOOK3", "1700000203.000100"), Map.of("X-Gitlab-Token", WEBHOOK_TOKEN));
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0HOOK3", "1700000203.000100",
                "Pipeline #987654 for web on main was canceled in 3 min 12 s: "
                        + "https://gitlab.example.com/acme/web/-/pipelines/987654")));
        awaitReleaseWorkSettled();
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void wrongOrMissingTokenIsRefusedWith401AndNothingIsSent() throws Exception {
        String body = pipelineHook("success", "C0HOOK4", "1700000204.000100");

        var wrong = postHook(body, Map.of("X-Gitlab-Token", "not-the-token"));
        var missing = postHook(body, Map.of());
        var inQuery = post("/hooks/gitlab?X-Gitlab-Token=" + WEBHOOK_TOKEN, "application/json", body, Map.of());

        for (var response : new HttpResponse<?>[] {wrong, missing, inQuery}) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(Json.readObject((String) response.body()).path("error").asText()).isNotBlank();
            assertThat((String) response.body()).doesNotContain(WEBHOOK_TOKEN);
        }
        awaitReleaseWorkSettled();
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));
    }

    @Test
    void deployResultByGetRepliesAndReacts() throws Exception {
        var answer = get("/hooks/deploy-result?token=" + WEBHOOK_TOKEN + "&source=gitlab&result=success"
                + "&channel=C0HOOK5&timestamp=1700000205.000100"
                + "&url=https%3A%2F%2Fgitlab.example.com%2Fops%2Fweb%2F-%2Fpipelines%2F77&pipeline=77");

        assertThat(answer.statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0HOOK5", "1700000205.000100",
                "Pipeline #77 succeeded: https://gitlab.example.com/ops/web/-/pipelines/77")));
        slackApi.verify(1, reaction("C0HOOK5", "1700000205.000100", "white_check_mark"));
    }

    @Test
    void deployResultByPostedFormRepliesAndReacts() throws Exception {
        String form = form(Map.of("token", WEBHOOK_TOKEN, "source", "gitlab", "result", "failure",
                "channel", "C0HOOK6", "timestamp", "1700000206.000100"));

        var answer = post("/hooks/deploy-result", "application/x-www-form-urlencoded", form, Map.of());

        assertThat(answer.statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0HOOK6", "1700000206.000100",
                "The release failed")));
        slackApi.verify(1, reaction("C0HOOK6", "1700000206.000100", "x"));
    }

    @Test
    void deployResultWithAWrongTokenOrBadParametersIsRefused() throws Exception {
        var wrong = get("/hooks/deploy-result?token=nope&source=gitlab&result=success&channel=C0HOOK7"
                + "&timestamp=1700000207.000100");
        var badResult = get("/hooks/deploy-result?token=" + WEBHOOK_TOKEN + "&source=gitlab&result=maybe"
                + "&channel=C0HOOK7&timestamp=1700000207.000100");

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(badResult.statusCode()).isEqualTo(400);
        assertThat(Json.readObject(badResult.body()).path("error").asText()).isNotBlank();
        awaitReleaseWorkSettled();
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));
    }

    @Test
    void deployResultUrlThatTriesToPingTheChannelIsPostedEscaped() throws Exception {
        String url = "https://gitlab.example.com/ops/web/-/pipelines/78|x><!channel>";

        var answer = get("/hooks/deploy-result?token=" + WEBHOOK_TOKEN + "&source=gitlab&result=success"
                + "&channel=C0HOOK8&timestamp=1700000208.000100&url="
                + java.net.URLEncoder.encode(url, java.nio.charset.StandardCharsets.UTF_8));

        assertThat(answer.statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0HOOK8", "1700000208.000100",
                "The release succeeded: https://gitlab.example.com/ops/web/-/pipelines/78|x&gt;&lt;!channel&gt;")));
        assertThat(slackApi.findAll(postRequestedFor(urlPathMatching("/api/.*"))))
                .allSatisfy(request -> assertThat(java.net.URLDecoder.decode(request.getBodyAsString(),
                        java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("<!channel>"));
    }

    static Map<String, String> signedHeaders(String id, long timestamp, String body) {
        var signer = new GitlabWebhookSignature(SIGNING_TOKEN, Duration.ofMinutes(5), java.time.Clock.systemUTC());
        return Map.of("webhook-id", id, "webhook-timestamp", String.valueOf(timestamp), "webhook-signature",
                signer.sign(id, String.valueOf(timestamp), body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "X-Gitlab-Event", "Pipeline Hook");
    }

    @Test
    void signedPipelineWebhookWithoutTheTokenIsAcceptedAndReported() throws Exception {
        String body = pipelineHook("success", "C0SIGN1", "1700000209.000100");
        long now = java.time.Instant.now().getEpochSecond();

        var answer = postHook(body, signedHeaders("idem-signed-1", now, body));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body()).path("result").asText()).isEqualTo("accepted");
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0SIGN1", "1700000209.000100",
                "Pipeline #987654 for web on main succeeded in 3 min 12 s: "
                        + "https://gitlab.example.com/acme/web/-/pipelines/987654")));
    }

    @Test
    void forgedStaleOrFutureSignedWebhooksAreRefusedWith401EvenBesideTheRightToken() throws Exception {
        String body = pipelineHook("success", "C0SIGN2", "1700000210.000100");
        long now = java.time.Instant.now().getEpochSecond();
        var forged = new java.util.HashMap<>(signedHeaders("idem-forged", now, body));
        forged.put("webhook-signature", "v1," + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        var forgedWithToken = new java.util.HashMap<>(forged);
        forgedWithToken.put("X-Gitlab-Token", WEBHOOK_TOKEN);
        var otherBody = signedHeaders("idem-other", now, pipelineHook("failed", "C0SIGN2", "1700000210.000100"));

        var responses = new HttpResponse<?>[] {
                postHook(body, forged),
                postHook(body, forgedWithToken),
                postHook(body, otherBody),
                postHook(body, signedHeaders("idem-stale", now - 3600, body)),
                postHook(body, signedHeaders("idem-future", now + 3600, body))};

        for (var response : responses) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(Json.readObject((String) response.body()).path("error").asText()).isNotBlank();
        }
        // a good delivery afterwards proves the refused ones queued nothing
        postHook(pipelineHook("failed", "C0SIGN3", "1700000211.000100"), signedHeaders("idem-after", now, 
                pipelineHook("failed", "C0SIGN3", "1700000211.000100")));
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", equalTo("C0SIGN3"))));
        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel",
                equalTo("C0SIGN2")));
    }
}
