package io.chatopshub.system.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;

/**
 * With {@code chatops.http.non-blocking-reads}, two hundred clients that send their headers and then trickle their bodies one byte every two
 * seconds hold no request thread: signed Slack events and slash commands sent meanwhile are each
 * answered within a second, and every trickling connection is answered 408 and closed once
 * {@code chatops.http.body-timeout} has passed.
 */
class SlowClientTests extends HubIntegrationTest {

    private static final int TRICKLERS = 200;
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(12);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("chatops.http.non-blocking-reads", () -> "true");
        registry.add("chatops.http.body-timeout", () -> BODY_TIMEOUT.toSeconds() + "s");
    }

    @Test
    void signedRequestsAreAnsweredWithinASecondWhileTwoHundredClientsTrickleTheirBodiesUntilTheBodyTimeoutClosesThem()
            throws Exception {
        List<Trickler> tricklers = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            // the first request of a fresh hub loads classes and opens the broker session: not what is measured here
            post("/slack/events", "application/json", signedEvent(9), slackHeaders(signedEvent(9)));
            postSlackCommand(command("/nothing-here", "", "C0123456", "U0ALICE"));
            for (int i = 0; i < TRICKLERS; i++) {
                tricklers.add(new Trickler(port, i % 2 == 0 ? "/slack/events" : "/slack/commands"));
            }
            long opened = System.nanoTime();
            trickle.scheduleAtFixedRate(() -> tricklers.forEach(Trickler::oneMoreByte), 2, 2, TimeUnit.SECONDS);

            for (int i = 0; i < 3; i++) {
                assertAnsweredWithinASecond("/slack/events", "application/json", signedEvent(i));
                String command = form(command("/nothing-here", "", "C0123456", "U0ALICE"));
                assertAnsweredWithinASecond("/slack/commands", "application/x-www-form-urlencoded", command);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).as("the signed requests were sent while every client trickled")
                    .isLessThan(BODY_TIMEOUT);
            assertThat(tricklers).noneMatch(Trickler::closed);

            await().atMost(BODY_TIMEOUT.plusSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> tricklers.stream().allMatch(Trickler::closed));
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(BODY_TIMEOUT);
            for (Trickler trickler : tricklers) {
                assertThat(trickler.answer()).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"");
            }
        } finally {
            trickle.shutdownNow();
            for (Trickler trickler : tricklers) {
                trickler.channel.close();
            }
        }
    }

    private static String signedEvent(int i) {
        return eventCallback("EvSLOWCLIENT" + i, "{\"type\":\"message\",\"channel\":\"C0123456\","
                + "\"channel_type\":\"channel\",\"user\":\"U0ALICE\",\"text\":\"still there?\",\"ts\":\"1." + i + "\"}");
    }

    private void assertAnsweredWithinASecond(String path, String contentType, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        slackHeaders(body).forEach(request::header);
        long start = System.nanoTime();
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answer to %s", path).isLessThan(Duration.ofSeconds(1));
        assertThat(answer.statusCode()).as("answer to %s: %s", path, answer.body()).isEqualTo(200);
    }
}
