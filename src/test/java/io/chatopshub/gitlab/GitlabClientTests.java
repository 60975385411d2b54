package io.chatopshub.gitlab;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import io.chatopshub.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class GitlabClientTests {

    static final String TOKEN = "glptt-web-secret-0123";
    static final DeployTarget WEB = new DeployTarget("C0RELEASE", null, "web", "1234", "main", TOKEN);

    static final String CREATED = """
            {"id":987654,"iid":42,"project_id":1234,"sha":"a1b2","ref":"main","status":"created","source":"trigger",
             "web_url":"https://gitlab.example.com/acme/web/-/pipelines/987654","user":{"id":1},"detailed_status":{}}
            """;

    WireMockServer gitlab;

    @BeforeEach
    void start() {
        gitlab = new WireMockServer(options().dynamicPort());
        gitlab.start();
    }

    @AfterEach
    void stop() {
        gitlab.stop();
    }

    GitlabClient client(Duration readTimeout) {
        return client(gitlab.baseUrl(), readTimeout);
    }

    static GitlabClient client(String url, Duration readTimeout) {
        GitlabProperties p = new GitlabProperties(url, "hook", Duration.ofMinutes(2), Duration.ofSeconds(2),
                readTimeout, List.of());
        return new GitlabClient(p, RestClient.builder());
    }

    Pipeline trigger(DeployTarget target) {
        return client(Duration.ofSeconds(5)).triggerPipeline(target, "C0RELEASE", "1712345678.000100", "Ev0123");
    }

    void answer(ResponseDefinitionBuilder response) {
        gitlab.stubFor(any(anyUrl()).willReturn(response));
    }

    @Test
    void triggerPostsTheExactFormWithTheTokenInTheBodyOnly() {
        answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(CREATED));

        Pipeline pipeline = trigger(WEB);

        assertThat(pipeline).isEqualTo(new Pipeline(987654, 42,
                "https://gitlab.example.com/acme/web/-/pipelines/987654", "created"));
        gitlab.verify(1, postRequestedFor(urlEqualTo("/api/v4/projects/1234/trigger/pipeline"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded")));
        LoggedRequest sent = gitlab.getAllServeEvents().get(0).getRequest();
        assertThat(sent.getBodyAsString()).isEqualTo("token=" + TOKEN + "&ref=main"
                + "&variables%5BRELEASE%5D=true"
                + "&variables%5Bchannel%5D=C0RELEASE"
                + "&variables%5Btimestamp%5D=1712345678.000100"
                + "&variables%5BCHATOPS_REQUEST_ID%5D=Ev0123");
        assertThat(sent.getUrl()).doesNotContain(TOKEN).doesNotContain("?");
        assertThat(sent.getHeaders().all().toString()).doesNotContain(TOKEN);
    }

    @Test
    void projectPathIsEncodedExactlyOnceWhicheverWayItIsConfigured() {
        answer(aResponse().withStatus(201).withBody(CREATED));

        trigger(new DeployTarget("C0RELEASE", null, "api", "ops/api", "main", TOKEN));
        trigger(new DeployTarget("C0RELEASE", null, "api", "ops%2Fapi", "main", TOKEN));
        trigger(new DeployTarget("C0RELEASE", null, "api", "ops%2fsub%2Fapi.v2", "main", TOKEN));

        List<String> urls = gitlab.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList();
        assertThat(urls).containsExactlyInAnyOrder(
                "/api/v4/projects/ops%2Fapi/trigger/pipeline",
                "/api/v4/projects/ops%2Fapi/trigger/pipeline",
                "/api/v4/projects/ops%2Fsub%2Fapi.v2/trigger/pipeline");
    }

    @Test
    void notFoundMeansTheTriggerTokenIsWrong() {
        answer(aResponse().withStatus(404).withBody("{\"message\":\"404 Not Found\"}"));

        Throwable thrown = catchThrowable(() -> trigger(WEB));

        assertThat(thrown).isInstanceOf(PermanentFailureException.class)
                .hasMessageStartingWith("GitLab answered 404: the trigger token for web is wrong or was revoked")
                .hasMessageNotContaining(TOKEN);
        assertThat(((PermanentFailureException) thrown).code()).isEqualTo("bad_trigger_token");
    }

    @Test
    void badRequestCarriesGitlabsMessage() {
        answer(aResponse().withStatus(400).withBody("{\"message\":{\"base\":[\"Reference not found\"]}}"));

        Throwable thrown = catchThrowable(() -> trigger(WEB));

        assertThat(thrown).isInstanceOf(PermanentFailureException.class)
                .hasMessage("GitLab answered 400 for web on main: Reference not found");
        assertThat(((PermanentFailureException) thrown).code()).isEqualTo("bad_ref");
    }

    @Test
    void badRequestWithAPlainMessage() {
        answer(aResponse().withStatus(400).withBody("{\"message\":\"Missing CI config file\"}"));

        assertThat(catchThrowable(() -> trigger(WEB))).hasMessage("GitLab answered 400 for web on main: Missing CI config file");
    }

    @Test
    void unauthorizedAndForbiddenArePermanent() {
        for (int status : new int[] {401, 403}) {
            gitlab.resetAll();
            answer(aResponse().withStatus(status).withBody("{\"message\":\"" + status + " Forbidden\"}"));

            Throwable thrown = catchThrowable(() -> trigger(WEB));

            assertThat(thrown).isInstanceOf(PermanentFailureException.class);
            assertThat(((PermanentFailureException) thrown).code()).isEqualTo("http_" + status);
        }
    }

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfterAndCreatedNothing() {
        answer(aResponse().withStatus(429).withHeader("Retry-After", "30").withBody("Retry later"));

        Throwable thrown = catchThrowable(() -> trigger(WEB));

        assertThat(thrown).isInstanceOf(PipelineNotCreatedException.class);
        assertThat(((TransientFailureException) thrown).retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void serverErrorIsTransientButMayHaveCreatedAPipeline() {
        answer(aResponse().withStatus(500).withBody("{\"message\":\"500 Internal Server Error\"}"));

        Throwable thrown = catchThrowable(() -> trigger(WEB));

        assertThat(thrown).isInstanceOf(TransientFailureException.class)
                .isNotInstanceOf(PipelineNotCreatedException.class)
                .hasMessageContaining("500");
    }

    @Test
    void serviceUnavailableCreatedNothing() {
        answer(aResponse().withStatus(503));

        assertThat(catchThrowable(() -> trigger(WEB))).isInstanceOf(PipelineNotCreatedException.class);
    }

    @Test
    void readTimeoutIsTransientAndLeavesOpenWhetherAPipelineExists() {
        answer(aResponse().withStatus(201).withBody(CREATED).withFixedDelay(1500));

        Throwable thrown = catchThrowable(() -> client(Duration.ofMillis(300))
                .triggerPipeline(WEB, "C0RELEASE", "1712345678.000100", "Ev0123"));

        assertThat(thrown).isInstanceOf(TransientFailureException.class)
                .isNotInstanceOf(PipelineNotCreatedException.class)
                .hasMessageContaining("did not answer");
    }

    @Test
    void refusedConnectionCreatedNothing() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        Throwable thrown = catchThrowable(() -> client("http://127.0.0.1:" + closedPort, Duration.ofSeconds(1))
                .triggerPipeline(WEB, "C0RELEASE", "1712345678.000100", "Ev0123"));

        assertThat(thrown).isInstanceOf(PipelineNotCreatedException.class).hasMessageNotContaining(TOKEN);
    }

    @Test
    void withoutTriggerTokenNothingIsSentAndADryRunPipelineIsReturned() {
        Pipeline pipeline = trigger(new DeployTarget("C0RELEASE", null, "web", "1234", "main", null));

        assertThat(pipeline.isDryRun()).isTrue();
        assertThat(gitlab.getAllServeEvents()).isEmpty();
    }

    @Test
    void retryAfterAcceptsAnHttpDate() {
        var clock = new MutableClock(java.time.Instant.parse("2025-01-01T00:00:00Z"));
        GitlabProperties p = new GitlabProperties(gitlab.baseUrl(), null, Duration.ofMinutes(2), Duration.ofSeconds(2),
                Duration.ofSeconds(2), List.of());
        GitlabClient c = new GitlabClient(p, RestClient.builder(), clock);

        assertThat(c.retryAfter("Wed, 01 Jan 2025 00:01:30 GMT")).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.retryAfter("soon")).isNull();
    }
}
