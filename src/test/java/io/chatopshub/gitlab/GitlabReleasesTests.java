package io.chatopshub.gitlab;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.GitlabReleases.ReleaseReply;
import io.chatopshub.system.TransientFailureException;
import io.chatopshub.testing.MemoryStateStore;
import io.chatopshub.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitlabReleasesTests {

    static final String TRIGGER = "/api/v4/projects/ops%2Fweb/trigger/pipeline";
    static final String CREATED = """
            {"id":987654,"iid":42,"status":"created","web_url":"https://gitlab.example.com/ops/web/-/pipelines/987654"}""";

    WireMockServer gitlab;
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T10:00:00Z"));
    MemoryStateStore store = new MemoryStateStore(clock);
    GitlabReleases releases;
    ReleaseGuard guard;

    @BeforeEach
    void start() {
        gitlab = new WireMockServer(options().dynamicPort());
        gitlab.start();
        build(Duration.ofSeconds(5));
    }

    void build(Duration readTimeout) {
        DeployTarget web = new DeployTarget("C0RELEASE", null, "web", "ops/web", "main", "glptt-web");
        DeployTarget api = new DeployTarget("C0RELEASE", null, "api", "ops/api", "main", "glptt-api");
        GitlabProperties p = new GitlabProperties(gitlab.baseUrl(), "hook", Duration.ofMinutes(2),
                Duration.ofSeconds(2), readTimeout, List.of(web, api));
        guard = new ReleaseGuard(store, p.releaseGuard(), clock);
        releases = new GitlabReleases(new DeployTargets(p.deployTargets()), new GitlabClient(p, RestClient.builder()),
                guard, new ReleaseRequests(store, Duration.ofDays(1), clock), p.url(), clock);
    }

    @AfterEach
    void stop() {
        gitlab.stop();
    }

    ReleaseReply release(String eventId) {
        return releases.release("T0A", "C0RELEASE", "1712345678.000100", "<@U0HUB> release web", eventId);
    }

    void gitlabCreates() {
        gitlab.stubFor(post(urlMatching(".*")).willReturn(aResponse().withStatus(201).withBody(CREATED)));
    }

    @Test
    void releaseMentionTriggersOnePipelineEvenWhenRedelivered() {
        gitlabCreates();

        ReleaseReply first = release("Ev1");
        ReleaseReply again = release("Ev1");

        assertThat(first).isEqualTo(new ReleaseReply(
                "Pipeline #987654 started for web on main: https://gitlab.example.com/ops/web/-/pipelines/987654", "rocket"));
        assertThat(again).isEqualTo(first);
        gitlab.verify(1, postRequestedFor(urlEqualTo(TRIGGER)));
    }

    @Test
    void secondReleaseWithinTheGuardLinksTheRunningPipeline() {
        gitlabCreates();
        release("Ev1");
        clock.advance(Duration.ofSeconds(40));

        ReleaseReply second = release("Ev2");

        assertThat(second.text()).isEqualTo("web is already being released: pipeline #987654"
                + " https://gitlab.example.com/ops/web/-/pipelines/987654, started 40 s ago");
        assertThat(second.reaction()).isNull();
        gitlab.verify(1, postRequestedFor(urlMatching(".*")));

        clock.advance(Duration.ofMinutes(2));
        release("Ev3");
        gitlab.verify(2, postRequestedFor(urlMatching(".*")));
    }

    @Test
    void otherProjectOfTheChannelIsNotGuardedByTheFirst() {
        gitlabCreates();
        release("Ev1");

        releases.release("T0A", "C0RELEASE", "1712345679.000200", "<@U0HUB> apiをリリース", "Ev2");

        gitlab.verify(1, postRequestedFor(urlEqualTo("/api/v4/projects/ops%2Fapi/trigger/pipeline")));
    }

    @Test
    void redeliveryAfterAnUnansweredTriggerDoesNotTriggerAgain() {
        build(Duration.ofMillis(300));
        gitlab.stubFor(post(urlMatching(".*"))
                .willReturn(aResponse().withStatus(201).withBody(CREATED).withFixedDelay(1500)));

        assertThatThrownBy(() -> release("Ev1")).isInstanceOf(TransientFailureException.class)
                .isNotInstanceOf(PipelineNotCreatedException.class);
        ReleaseReply redelivered = release("Ev1");

        assertThat(redelivered.text()).isEqualTo("I lost track of the release of web: its pipeline may or may not"
                + " have started. Please check " + gitlab.baseUrl() + "/ops/web/-/pipelines before asking again.");
        gitlab.verify(1, postRequestedFor(urlMatching(".*")));
    }

    @Test
    void rateLimitedTriggerMayBeRetriedAndThenStartsOnePipeline() {
        gitlab.stubFor(post(urlMatching(".*")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")));

        assertThatThrownBy(() -> release("Ev1")).isInstanceOf(PipelineNotCreatedException.class);
        gitlab.resetAll();
        gitlabCreates();
        ReleaseReply retried = release("Ev1");

        assertThat(retried.reaction()).isEqualTo("rocket");
        gitlab.verify(1, postRequestedFor(urlMatching(".*")));
    }

    @Test
    void refusedTriggerIsAnsweredOnceAndFreesTheGuard() {
        gitlab.stubFor(post(urlMatching(".*")).willReturn(aResponse().withStatus(404)));

        ReleaseReply refused = release("Ev1");
        ReleaseReply redelivered = release("Ev1");

        assertThat(refused.text()).startsWith("Could not release web: GitLab answered 404, the trigger token for web");
        assertThat(refused.reaction()).isEqualTo("x");
        assertThat(redelivered.text()).isEqualTo(refused.text());
        gitlab.verify(1, postRequestedFor(urlMatching(".*")));
        assertThat(guard.running(new DeployTarget("C0RELEASE", null, "web", "ops/web", "main", null))).isEmpty();
    }

    @Test
    void unresolvedMentionTriggersNothing() {
        gitlabCreates();

        ReleaseReply reply = release("Ev1");
        ReleaseReply ambiguous = releases.release("T0A", "C0RELEASE", "1.2", "<@U0HUB> release", "Ev2");
        ReleaseReply none = releases.release("T0A", "C0ELSEWHERE", "1.2", "<@U0HUB> release web", "Ev3");

        assertThat(reply.reaction()).isEqualTo("rocket");
        assertThat(ambiguous.text()).startsWith("Which one?");
        assertThat(none.text()).startsWith("Nothing can be released");
        gitlab.verify(1, postRequestedFor(urlMatching(".*")));
    }

    @Test
    void requestFoundMidTriggerWaitsForTheOtherCallInsteadOfAnsweringUnknown() {
        gitlabCreates();
        DeployTarget web = new DeployTarget("C0RELEASE", null, "web", "ops/web", "main", "glptt-web");
        ReleaseRequests requests = new ReleaseRequests(store, Duration.ofDays(1), clock);
        GitlabReleases withLimit = new GitlabReleases(new DeployTargets(List.of(web)),
                new GitlabClient(new GitlabProperties(gitlab.baseUrl(), "hook", Duration.ofMinutes(2),
                        Duration.ofSeconds(2), Duration.ofSeconds(5), List.of(web)), RestClient.builder()),
                guard, requests, gitlab.baseUrl(), clock, Duration.ofSeconds(20));
        // another worker claimed the request and is waiting for GitLab
        requests.begin("Ev1");
        clock.advance(Duration.ofSeconds(4));

        assertThatThrownBy(() -> withLimit.release("T0A", "C0RELEASE", "1712345678.000100", "release web", "Ev1"))
                .isInstanceOfSatisfying(TransientFailureException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(17)));
        requests.complete("Ev1", new Pipeline(987654, 42, "https://gitlab.example.com/ops/web/-/pipelines/987654", "created"));
        assertThat(withLimit.release("T0A", "C0RELEASE", "1712345678.000100", "release web", "Ev1").text())
                .isEqualTo("Pipeline #987654 started for web on main: https://gitlab.example.com/ops/web/-/pipelines/987654");

        requests.begin("Ev2");
        clock.advance(Duration.ofSeconds(21));
        assertThat(withLimit.release("T0A", "C0RELEASE", "1712345678.000200", "release web", "Ev2").text())
                .startsWith("I lost track of the release of web");
        gitlab.verify(0, postRequestedFor(urlMatching(".*")));
    }

    @Test
    void gaveUpSaysWhetherSomethingMayHaveStarted() {
        assertThat(releases.gaveUp("T0A", "C0RELEASE", "<@U0HUB> release web",
                new PipelineNotCreatedException("busy", null, null)).text()).contains("nothing was started");
        assertThat(releases.gaveUp("T0A", "C0RELEASE", "<@U0HUB> release web",
                new TransientFailureException("timeout", (Duration) null)).text()).contains("may or may not");
    }
}
