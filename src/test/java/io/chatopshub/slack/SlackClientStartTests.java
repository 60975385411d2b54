package io.chatopshub.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Slack SDK's client (its OkHttp client, TLS set-up and the metrics threads it starts even with
 * statistics off) is made by the first call that reaches Slack, not when the hub creates its
 * {@link SlackClient} at start: the first answer to Slack does not wait for it.
 */
class SlackClientStartTests {

    private static final String SDK_THREADS = "slack-api-metrics";

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());

    @BeforeEach
    void start() {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1700000000.000100\"}")));
    }

    @AfterEach
    void stop() {
        slack.stop();
    }

    @Test
    void theSdkIsMadeByTheFirstCallToSlackNotWithTheClient() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        var client = client("xoxb-1-unit");

        assertThat(threadsStartedSince(before)).as("threads started by creating the client").isEmpty();

        var posted = client.postMessage("C1", null, "hello", null);

        assertThat(posted.ts()).isEqualTo("1700000000.000100");
        slack.verify(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
        assertThat(threadsStartedSince(before)).as("threads started by the first call").isNotEmpty();
    }

    @Test
    void aClientWithoutBotTokenNeverMakesTheSdk() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        var client = client(null);
        client.postMessage("C1", null, "hello", null);

        assertThat(client.isDryRun()).isTrue();
        assertThat(threadsStartedSince(before)).isEmpty();
        assertThat(slack.getAllServeEvents()).isEmpty();
    }

    private SlackClient client(String botToken) {
        return new SlackClient(new SlackProperties("secret", botToken, URI.create(slack.baseUrl()), null, null),
                Clock.systemUTC(), Duration.ofSeconds(1));
    }

    private static List<String> threadsStartedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .map(Thread::getName)
                .filter(name -> name.startsWith(SDK_THREADS))
                .toList();
    }
}
