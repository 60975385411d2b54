package io.chatopshub.system.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;

/**
 * With blocking reads (the default), a client that keeps trickling its body is still bounded:
 * each byte arrives well within {@code server.tomcat.connection-timeout}, but once
 * {@code chatops.http.body-timeout} has passed since its headers it is answered 408 with a JSON
 * error and disconnected, on every webhook path; a signed request meanwhile is answered as usual.
 */
class BodyTimeoutTests extends HubIntegrationTest {

    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("chatops.http.body-timeout", () -> BODY_TIMEOUT.toMillis() + "ms");
    }

    @Test
    void aBodyStillArrivingAfterTheBodyTimeoutIsAnswered408AndClosed() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        List<Trickler> tricklers = List.of(new Trickler(port, "/slack/events"), new Trickler(port, "/slack/commands"),
                new Trickler(port, "/hooks/mackerel?token=x"));
        long opened = System.nanoTime();
        try {
            trickle.scheduleAtFixedRate(() -> tricklers.forEach(Trickler::oneMoreByte), 200, 200, TimeUnit.MILLISECONDS);

            String event = eventCallback("EvBODYTIMEOUT", "{\"type\":\"message\",\"channel\":\"C0123456\","
                    + "\"channel_type\":\"channel\",\"user\":\"U0ALICE\",\"text\":\"still there?\",\"ts\":\"1.5\"}");
            assertThat(post("/slack/events", "application/json", event, slackHeaders(event)).statusCode()).isEqualTo(200);

            await().atMost(BODY_TIMEOUT.plusSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tricklers.stream().allMatch(Trickler::closed));
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(BODY_TIMEOUT);
            for (Trickler trickler : tricklers) {
                assertThat(trickler.answer()).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"")
                        .doesNotContain("Exception");
            }
        } finally {
            trickle.shutdownNow();
            for (Trickler trickler : tricklers) {
                trickler.channel.close();
            }
        }
    }
}
