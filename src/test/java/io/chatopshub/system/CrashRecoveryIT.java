package io.chatopshub.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatopshub.HubProcess;
import io.chatopshub.testing.SignedSlackRequest;

/**
 * The durability promise with a real process: a 200 means the work is done even if the hub is
 * killed with SIGKILL right after answering, and it is done once.
 */
class CrashRecoveryIT {

    private static final String SECRET = "crash-test-secret";

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private Path dataDir;
    private HubProcess hub;

    @BeforeEach
    void start() throws Exception {
        slack.start();
        dataDir = Files.createTempDirectory(Path.of("target"), "crash-");
        int port = HubProcess.freePort();
        hub = HubProcess.viaLauncher(port, dataDir.resolve("hub.log"), Map.of(
                "chatops.data-dir", dataDir.toString(),
                "chatops.slack.signing-secret", SECRET,
                "chatops.slack.bot-token", "xoxb-crash-test",
                "chatops.slack.url", slack.baseUrl()));
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
        slack.stop();
    }

    @Test
    void aReplyInFlightWhenTheHubIsKilledArrivesOnceAfterTheRestart() throws Exception {
        // Slack is slow: the reply cannot complete before the kill.
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withFixedDelay(60_000).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.1\"}")));
        hub.start(Duration.ofSeconds(90));

        String event = "{\"token\":\"x\",\"team_id\":\"T1\",\"api_app_id\":\"A1\",\"type\":\"event_callback\","
                + "\"event_id\":\"Ev0CRASH1\",\"event_time\":1700000000,"
                + "\"authorizations\":[{\"team_id\":\"T1\",\"user_id\":\"U0HUB\",\"is_bot\":true}],"
                + "\"event\":{\"type\":\"app_mention\",\"user\":\"U0ALICE\",\"text\":\"<@U0HUB> よろしく\","
                + "\"ts\":\"1700000100.000200\",\"channel\":\"C0CRASH\",\"event_ts\":\"1700000100.000200\"}}";
        assertThat(send(event).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))));

        hub.kill();

        slack.resetAll();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.1\"}")));
        hub.start(Duration.ofSeconds(90));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> slack.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("channel", equalTo("C0CRASH"))
                        .withFormParam("thread_ts", equalTo("1700000100.000200"))));
        // Slack retrying the same event after the restart is still recognised.
        assertThat(send(event).statusCode()).isEqualTo(200);
        // the hub says it took the retry for a duplicate: it queued nothing that could post again
        hub.awaitDelivery("slack-receive-events", "slack:event:Ev0CRASH1", "duplicate", Duration.ofSeconds(30));
        slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void workAcceptedRightBeforeAKillIsDoneAfterTheRestart() throws Exception {
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"channel\":\"D1\",\"ts\":\"1.1\"}")));
        hub.start(Duration.ofSeconds(90));
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            String event = "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"Ev0BURST" + i + "\","
                    + "\"authorizations\":[{\"team_id\":\"T1\",\"user_id\":\"U0HUB\",\"is_bot\":true}],"
                    + "\"event\":{\"type\":\"message\",\"channel_type\":\"im\",\"channel\":\"D0BURST" + i
                    + "\",\"user\":\"U0ALICE\",\"text\":\"n" + i + "\",\"ts\":\"1.1\"}}";
            if (send(event).statusCode() == 200) {
                accepted++;
            }
        }
        hub.kill();
        assertThat(accepted).isEqualTo(20);
        hub.start(Duration.ofSeconds(90));

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (int i = 0; i < 20; i++) {
                slack.verify(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("channel", equalTo("D0BURST" + i)));
            }
        });
    }

    private HttpResponse<String> send(String body) throws Exception {
        return http.send(SignedSlackRequest.post(URI.create(hub.baseUrl() + "/slack/events"), SECRET, "application/json", body)
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
