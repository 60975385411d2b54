package io.chatopshub.backlog;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import io.chatopshub.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BacklogClientTests {

    static final String API_KEY = "bLgK3y0123456789abcdefXYZ";

    private final WireMockServer backlog = new WireMockServer(options().dynamicPort());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:20:00Z"));
    private BacklogClient client;

    @BeforeEach
    void start() {
        backlog.start();
        client = new BacklogClient(new BacklogProperties(backlog.baseUrl(), API_KEY, 10L, 20L, 3L), clock);
    }

    @AfterEach
    void stop() {
        backlog.stop();
    }

    private static String everything(Throwable e) {
        var out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private void answerComments(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        backlog.stubFor(post(urlPathEqualTo("/api/v2/issues/OPS-1/comments")).willReturn(response));
    }

    @Test
    void rateLimitWaitsUntilTheResetTime() {
        long reset = clock.instant().getEpochSecond() + 37;
        answerComments(aResponse().withStatus(429).withHeader("X-RateLimit-Reset", Long.toString(reset))
                .withBody("{\"errors\":[{\"message\":\"Too many requests\",\"code\":0,\"moreInfo\":\"\"}]}"));

        assertThatThrownBy(() -> client.addComment("OPS-1", "hello"))
                .isInstanceOfSatisfying(TransientFailureException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(37)))
                .hasMessageContaining("429");
    }

    @Test
    void rateLimitWithoutResetHeaderWaitsSixtySeconds() {
        answerComments(aResponse().withStatus(429));

        assertThatThrownBy(() -> client.addComment("OPS-1", "hello"))
                .isInstanceOfSatisfying(TransientFailureException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(60)));
    }

    @Test
    void rateLimitResetInThePastWaitsOneSecond() {
        answerComments(aResponse().withStatus(429)
                .withHeader("X-RateLimit-Reset", Long.toString(clock.instant().getEpochSecond() - 5)));

        assertThatThrownBy(() -> client.addComment("OPS-1", "hello"))
                .isInstanceOfSatisfying(TransientFailureException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(1)));
    }

    @Test
    void serverErrorIsTransientWithoutTheApiKey() {
        answerComments(aResponse().withStatus(502).withBody("bad gateway"));

        assertThatThrownBy(() -> client.addComment("OPS-1", "hello"))
                .isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("502")
                .satisfies(e -> assertThat(everything(e)).doesNotContain(API_KEY));
    }

    @Test
    void clientErrorIsPermanentWithBacklogsMessageAndNoApiKey() {
        answerComments(aResponse().withStatus(404).withBody(
                "{\"errors\":[{\"message\":\"No issue. apiKey=" + API_KEY + "\",\"code\":6,\"moreInfo\":\"\"}]}"));

        assertThatThrownBy(() -> client.addComment("OPS-1", "hello"))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> assertThat(e.code()).isEqualTo("http_404"))
                .hasMessageContaining("No issue.")
                .hasMessageContaining("code 6")
                .satisfies(e -> assertThat(everything(e)).doesNotContain(API_KEY));
    }

    @Test
    void unauthorizedIsPermanent() {
        answerComments(aResponse().withStatus(401).withBody("{\"errors\":[{\"message\":\"Authentication failure.\",\"code\":11}]}"));

        assertThatThrownBy(() -> client.addComment("OPS-1", "hello")).isInstanceOf(PermanentFailureException.class)
                .satisfies(e -> assertThat(everything(e)).doesNotContain(API_KEY));
    }

    @Test
    void connectionResetIsTransientWithoutTheApiKey() {
        answerComments(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        assertThatThrownBy(() -> client.addComment("OPS-1", "hello"))
                .isInstanceOf(TransientFailureException.class)
                .satisfies(e -> assertThat(everything(e)).doesNotContain(API_KEY));
    }

    @Test
    void unreachableServerIsTransientWithoutTheApiKey() {
        backlog.stop();

        assertThatThrownBy(() -> client.addComment("OPS-1", "hello"))
                .isInstanceOf(TransientFailureException.class)
                .satisfies(e -> assertThat(everything(e)).doesNotContain(API_KEY).doesNotContain("apiKey="));
    }

    @Test
    void apiKeyWithReservedCharactersIsEncoded() {
        String key = "a+b/c=d&e";
        var odd = new BacklogClient(new BacklogProperties(backlog.baseUrl(), key, 10L, 20L, 3L), clock);
        answerComments(aResponse().withStatus(201).withBody("{}"));

        odd.addComment("OPS-1", "x & y = z");

        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues/OPS-1/comments"))
                .withQueryParam("apiKey", equalTo(key))
                .withFormParam("content", equalTo("x & y = z")));
    }

    @Test
    void dryRunSendsNothing() {
        var dry = new BacklogClient(new BacklogProperties(backlog.baseUrl(), null, null, null, null), clock);

        assertThat(dry.configured()).isFalse();
        assertThat(dry.createIssue("s", "d")).isEmpty();
        assertThat(dry.findOpenIssues("4gX")).isEmpty();
        dry.addComment("OPS-1", "c");
        dry.closeIssue("OPS-1", "c");
        assertThat(dry.issueUrl("OPS-1")).isEmpty();
        backlog.verify(0, anyRequestedFor(anyUrl()));
    }
}
