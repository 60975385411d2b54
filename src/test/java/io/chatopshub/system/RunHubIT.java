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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.chatopshub.HubProcess;
import io.chatopshub.slack.SlackSignatureVerifier;

/** The production launcher, scripts/run-hub, starts a hub that answers Slack and does the work. */
class RunHubIT {

    private static final String SECRET = "launcher-test-secret";

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private HubProcess hub;

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        slack.stop();
    }

    @Test
    void theLauncherStartsAHubThatAnswersACommandAndDoesTheWorkOfAnEvent() throws Exception {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"channel\":\"D1\",\"ts\":\"1.1\"}")));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "run-hub-");
        hub = HubProcess.viaLauncher(HubProcess.freePort(), dataDir.resolve("hub.log"), Map.of(
                "chatops.data-dir", dataDir.toString(),
                "chatops.slack.signing-secret", SECRET,
                "chatops.slack.bot-token", "xoxb-launcher-test",
                "chatops.slack.url", slack.baseUrl()));
        hub.start(Duration.ofSeconds(120));

        String command = "team_id=T1&channel_id=C1&user_id=U1&command=%2Fnothing-here&text=x&trigger_id=launcher.1"
                + "&response_url=" + java.net.URLEncoder.encode(slack.baseUrl() + "/response", StandardCharsets.UTF_8);
        HttpResponse<String> answer = send("/slack/commands", "application/x-www-form-urlencoded", command);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("I don't know the command `/nothing-here`");

        String event = "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"Ev0LAUNCHER\","
                + "\"authorizations\":[{\"team_id\":\"T1\",\"user_id\":\"U0HUB\",\"is_bot\":true}],"
                + "\"event\":{\"type\":\"message\",\"channel_type\":\"im\",\"channel\":\"D0LAUNCH\","
                + "\"user\":\"U0ALICE\",\"text\":\"hello\",\"ts\":\"1.1\"}}";
        assertThat(send("/slack/events", "application/json", event).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> slack.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo("D0LAUNCH"))));
    }

    private HttpResponse<String> send(String path, String type, String body) throws Exception {
        String ts = String.valueOf(Clock.systemUTC().instant().getEpochSecond());
        String signature = new SlackSignatureVerifier(SECRET, Clock.systemUTC()).sign(ts, body.getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + path))
                .header("Content-Type", type).header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
