package io.chatopshub.gitlab;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.chatopshub.gitlab.PipelineResult.Status;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.InvalidSignatureException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineHookTests {

    static final String SECRET = "hook-secret-42";

    private final PipelineHook hook = new PipelineHook(new GitlabProperties("https://gitlab.com", SECRET,
            Duration.ofMinutes(2), Duration.ofSeconds(5), Duration.ofSeconds(5), List.of()));

    static String pipeline(String status, String variables) {
        return """
                {"object_kind":"pipeline","object_attributes":{"id":987654,"iid":42,"name":null,"ref":"main",
                 "tag":false,"sha":"a1b2","source":"trigger","status":"%s","detailed_status":"%s","stages":["deploy"],
                 "created_at":"2025-01-01 10:00:00 UTC","finished_at":"2025-01-01 10:03:12 UTC","duration":192,
                 "queued_duration":3,"variables":%s,"url":"https://gitlab.example.com/acme/web/-/pipelines/987654",
                 "some_future_field":{"x":1}},
                 "merge_request":null,"user":{"id":1,"name":"Trigger"},
                 "project":{"id":1234,"name":"web","web_url":"https://gitlab.example.com/acme/web",
                 "path_with_namespace":"acme/web","default_branch":"main"},"commit":{"id":"a1b2"},"builds":[]}
                """.formatted(status, status, variables);
    }

    static final String THREAD_VARIABLES = """
            [{"key":"RELEASE","value":"true"},{"key":"channel","value":"C0RELEASE"},
             {"key":"timestamp","value":"1712345678.000100"},{"key":"CHATOPS_REQUEST_ID","value":"Ev0123"}]""";

    @Test
    void successfulReleasePipelineIsReportedToItsThread() {
        HookOutcome outcome = hook.pipelineHook(SECRET, pipeline("success", THREAD_VARIABLES), "idem-1");

        assertThat(outcome).isEqualTo(new HookOutcome.Report(new PipelineResult(987654L, 42L, Status.SUCCESS, 192L,
                "https://gitlab.example.com/acme/web/-/pipelines/987654", "web", "main", "C0RELEASE",
                "1712345678.000100", "Ev0123"), "gitlab:hook:idem-1"));
    }

    @Test
    void failedAndCanceledAndSkippedAreFinal() {
        for (var s : Map.of("failed", Status.FAILED, "canceled", Status.CANCELED, "skipped", Status.SKIPPED).entrySet()) {
            HookOutcome outcome = hook.pipelineHook(SECRET, pipeline(s.getKey(), THREAD_VARIABLES), null);

            assertThat(outcome).isInstanceOf(HookOutcome.Report.class);
            assertThat(((HookOutcome.Report) outcome).result().status()).isEqualTo(s.getValue());
        }
    }

    @Test
    void withoutIdempotencyKeyTheDedupKeyIsPipelineAndStatus() {
        var outcome = (HookOutcome.Report) hook.pipelineHook(SECRET, pipeline("failed", THREAD_VARIABLES), " ");

        assertThat(outcome.dedupKey()).isEqualTo("gitlab:pipeline:987654:failed");
    }

    @Test
    void statusesThatAreNotFinalAreIgnored() {
        for (String status : new String[] {"created", "pending", "running", "manual", "waiting_for_resource"}) {
            assertThat(hook.pipelineHook(SECRET, pipeline(status, THREAD_VARIABLES), null))
                    .isInstanceOf(HookOutcome.Ignore.class);
        }
    }

    @Test
    void pipelinesWithoutASlackThreadAreIgnored() {
        assertThat(hook.pipelineHook(SECRET, pipeline("success", "[]"), null)).isInstanceOf(HookOutcome.Ignore.class);
        assertThat(hook.pipelineHook(SECRET, pipeline("success", "[{\"key\":\"channel\",\"value\":\"C0RELEASE\"}]"), null))
                .isInstanceOf(HookOutcome.Ignore.class);
        assertThat(hook.pipelineHook(SECRET, pipeline("success", "null"), null)).isInstanceOf(HookOutcome.Ignore.class);
        assertThat(hook.pipelineHook(SECRET, pipeline("success", """
                [{"key":"channel","value":"#general"},{"key":"timestamp","value":"yesterday"}]"""), null))
                .isInstanceOf(HookOutcome.Ignore.class);
    }

    @Test
    void otherObjectKindsAndUnknownShapesAreIgnored() {
        assertThat(hook.pipelineHook(SECRET, "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\"}", null))
                .isEqualTo(new HookOutcome.Ignore("object_kind push"));
        assertThat(hook.pipelineHook(SECRET, "{}", null)).isInstanceOf(HookOutcome.Ignore.class);
        assertThat(hook.pipelineHook(SECRET, "[1,2]", null)).isInstanceOf(HookOutcome.Ignore.class);
    }

    @Test
    void malformedJsonIsABadRequest() {
        assertThatThrownBy(() -> hook.pipelineHook(SECRET, "{\"object_kind\":\"pipeline\",", null))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> hook.pipelineHook(SECRET, "", null)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> hook.pipelineHook(SECRET, "{} trailing", null)).isInstanceOf(BadRequestException.class);
    }

    @Test
    void wrongOrMissingTokenIsRefusedBeforeTheBodyIsRead() {
        assertThatThrownBy(() -> hook.pipelineHook("hook-secret-43", "not json", null))
                .isInstanceOf(InvalidSignatureException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> hook.pipelineHook(null, pipeline("success", THREAD_VARIABLES), null))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> hook.pipelineHook("", pipeline("success", THREAD_VARIABLES), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void withoutAConfiguredWebhookTokenEveryDeliveryIsRefused() {
        PipelineHook open = new PipelineHook(new GitlabProperties("https://gitlab.com", " ", Duration.ofMinutes(2),
                Duration.ofSeconds(5), Duration.ofSeconds(5), List.of()));

        assertThatThrownBy(() -> open.pipelineHook("", pipeline("success", THREAD_VARIABLES), null))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> open.deployResult(Map.of("source", "gitlab")))
                .isInstanceOf(InvalidSignatureException.class);
    }

    static Map<String, Object> deployResult() {
        Map<String, Object> p = new HashMap<>();
        p.put("token", SECRET);
        p.put("source", "gitlab");
        p.put("result", "success");
        p.put("channel", "C0RELEASE");
        p.put("timestamp", "1712345678.000100");
        return p;
    }

    @Test
    void deployResultBecomesAPipelineResult() {
        Map<String, Object> p = deployResult();
        p.put("url", "https://gitlab.example.com/acme/web/-/pipelines/987654");
        p.put("pipeline", List.of("987654"));

        HookOutcome.Report report = hook.deployResult(p);

        assertThat(report.result()).isEqualTo(new PipelineResult(987654L, null, Status.SUCCESS, null,
                "https://gitlab.example.com/acme/web/-/pipelines/987654", null, null, "C0RELEASE", "1712345678.000100",
                null));
        assertThat(report.dedupKey()).isEqualTo("gitlab:deploy-result:C0RELEASE:1712345678.000100:success:987654");
    }

    @Test
    void deployResultFailureIsFailed() {
        Map<String, Object> p = deployResult();
        p.put("result", "failure");

        HookOutcome.Report report = hook.deployResult(p);

        assertThat(report.result().status()).isEqualTo(Status.FAILED);
        assertThat(report.dedupKey()).isEqualTo("gitlab:deploy-result:C0RELEASE:1712345678.000100:failure");
    }

    @Test
    void deployResultWithBadTokenIsUnauthorizedWhateverElseIsWrong() {
        Map<String, Object> p = deployResult();
        p.put("token", "nope");
        p.put("result", "maybe");
        assertThatThrownBy(() -> hook.deployResult(p)).isInstanceOf(InvalidSignatureException.class);
        p.remove("token");
        assertThatThrownBy(() -> hook.deployResult(p)).isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void deployResultNamesTheBadParameter() {
        Map<String, String> bad = Map.of(
                "source", "source must be gitlab",
                "result", "result must be success or failure",
                "channel", "channel must be a Slack channel id such as C0123456",
                "timestamp", "timestamp must be the Slack message ts, e.g. 1712345678.000100");
        for (var e : bad.entrySet()) {
            Map<String, Object> missing = deployResult();
            missing.remove(e.getKey());
            assertThatThrownBy(() -> hook.deployResult(missing)).isInstanceOf(BadRequestException.class)
                    .hasMessage(e.getValue());
            Map<String, Object> wrong = deployResult();
            wrong.put(e.getKey(), "x y");
            assertThatThrownBy(() -> hook.deployResult(wrong)).isInstanceOf(BadRequestException.class)
                    .hasMessage(e.getValue());
        }
        Map<String, Object> p = deployResult();
        p.put("pipeline", "12a");
        assertThatThrownBy(() -> hook.deployResult(p)).hasMessage("pipeline must be a pipeline id (digits)");
        p.put("pipeline", "12");
        p.put("url", "javascript:alert(1)");
        assertThatThrownBy(() -> hook.deployResult(p)).hasMessage("url must be an http(s) URL");
    }

    @Test
    void signedDeliveryIsAcceptedWithOnlyASigningTokenConfiguredEvenWhenGitlabAlsoSendsItsToken() {
        String token = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        var clock = java.time.Clock.fixed(java.time.Instant.parse("2026-03-01T10:00:00Z"), java.time.ZoneOffset.UTC);
        var signingOnly = new PipelineHook(new GitlabProperties("https://gitlab.com", null, Duration.ofMinutes(2),
                Duration.ofSeconds(5), Duration.ofSeconds(5), List.of(), token, null, null, null), clock);
        byte[] body = pipeline("success", THREAD_VARIABLES).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String ts = String.valueOf(clock.instant().getEpochSecond());
        String signature = new GitlabWebhookSignature(token, Duration.ofMinutes(5), clock).sign("idem-9", ts, body);

        var outcome = signingOnly.pipelineHook("some-token", new PipelineHook.Signed("idem-9", ts, signature), body, null);

        assertThat(outcome).isInstanceOf(HookOutcome.Report.class);
        assertThat(((HookOutcome.Report) outcome).dedupKey()).isEqualTo("gitlab:hook:idem-9");
        assertThatThrownBy(() -> signingOnly.pipelineHook("some-token", PipelineHook.Signed.NONE, body, null))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> signingOnly.pipelineHook(null, new PipelineHook.Signed("idem-9", ts, "v1,AAAA"), body,
                null)).isInstanceOf(InvalidSignatureException.class);
    }
}
