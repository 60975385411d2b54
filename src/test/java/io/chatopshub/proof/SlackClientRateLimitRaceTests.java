package io.chatopshub.proof;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackProperties;

/**
 * The moment that decides whether a 429 is respected: a second post to the same channel that
 * started waiting for its one-second slot before the 429 came back must still wait out
 * Retry-After when its slot comes.
 */
class SlackClientRateLimitRaceTests {

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private SlackClient client;

    @BeforeEach
    void start() {
        slack.start();
        client = new SlackClient(new SlackProperties("secret", "xoxb-1-race", URI.create(slack.baseUrl()), null, null),
                Clock.systemUTC(), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        slack.stop();
    }

    @Test
    void aPostWaitingForItsChannelSlotWhenA429ArrivesWaitsForRetryAfter() throws Exception {
        slack.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).atPriority(1)
                .inScenario("limit").whenScenarioStateIs(STARTED).willSetStateTo("done")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2").withFixedDelay(300)
                        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}")));
        slack.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).atPriority(2)
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.1\"}")));

        var first = CompletableFuture.runAsync(() -> client.postMessage("C1", null, "first", null));
        // the first post is on its way: Slack has it and holds its 429 for 300 ms
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.getAllServeEvents().size() == 1);
        // takes the next slot of C1, one second after the first post, while the 429 is on its way
        var second = CompletableFuture.runAsync(() -> client.postMessage("C1", null, "second", null));
        CompletableFuture.allOf(first, second).get();

        List<ServeEvent> posts = slack.getAllServeEvents().stream()
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        ServeEvent limited = posts.get(0);
        assertThat(limited.getResponse().getStatus()).isEqualTo(429);
        long answeredAt = limited.getRequest().getLoggedDate().getTime() + limited.getTiming().getTotalTime();
        assertThat(posts).hasSize(3);
        assertThat(posts.subList(1, 3)).allSatisfy(e -> assertThat(e.getRequest().getLoggedDate().getTime() - answeredAt)
                .as("ms after the 429 was answered").isGreaterThanOrEqualTo(2_000));
    }
}
