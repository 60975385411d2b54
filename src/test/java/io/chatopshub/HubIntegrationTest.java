package io.chatopshub;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.slack.SlackSignatureVerifier;
import io.chatopshub.testing.HubSettled;

/**
 * A whole hub on a random port with its embedded broker and store in a fresh directory, and
 * WireMock standing in for Slack's Web API. Requests are signed with the production signer.
 * Subclasses add stubs for the other services they talk to. One WireMock serves the whole test
 * JVM; its stubs are reset before each test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class HubIntegrationTest {

    public static final String SIGNING_SECRET = "test-signing-secret";
    public static final String BOT_TOKEN = "xoxb-test-token";

    protected static final WireMockServer slackApi = new WireMockServer(options().dynamicPort());
    protected static final HttpClient http = HttpClient.newHttpClient();

    static {
        slackApi.start();
    }

    @LocalServerPort
    protected int port;

    @Autowired
    private ApplicationContext hubUnderTest;

    @DynamicPropertySource
    static void hubProperties(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "hub-test-");
        registry.add("chatops.data-dir", dataDir::toString);
        registry.add("chatops.slack.signing-secret", () -> SIGNING_SECRET);
        registry.add("chatops.slack.bot-token", () -> BOT_TOKEN);
        registry.add("chatops.slack.url", slackApi::baseUrl);
        registry.add("chatops.slack.alert-channel", () -> "CALERTS");
        // several hubs live in one test JVM: their MBeans get unique names
        registry.add("spring.jmx.enabled", () -> "true");
        registry.add("spring.jmx.unique-names", () -> "true");
    }

    @BeforeEach
    protected void resetSlack() {
        slackApi.resetAll();
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching("/api/chat\\.(postMessage|update)"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"channel\":\"C0123456\",\"ts\":\"1700000000.000100\"}")));
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching("/api/reactions\\.add"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching("/response/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    /**
     * Waits until the hub has finished every piece of work it was given (see {@link HubSettled}),
     * so that "exactly once" and "nothing" can be asserted right after.
     */
    protected void awaitHubSettled() {
        HubSettled.await(hubUnderTest);
    }

    /** Like {@link #awaitHubSettled()}, for the work on {@code queues} only. */
    protected void awaitQueuesSettled(String... queues) {
        HubSettled.awaitQueues(hubUnderTest, HubSettled.DEFAULT_WAIT, queues);
    }

    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    protected HttpResponse<String> post(String path, String contentType, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected static Map<String, String> slackHeaders(String body) {
        String ts = String.valueOf(Clock.systemUTC().instant().getEpochSecond());
        var signer = new SlackSignatureVerifier(SIGNING_SECRET, Clock.systemUTC());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Slack-Request-Timestamp", ts);
        headers.put("X-Slack-Signature", signer.sign(ts, body.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    protected HttpResponse<String> postSlackEvent(String json) throws IOException, InterruptedException {
        return post("/slack/events", "application/json", json, slackHeaders(json));
    }

    protected HttpResponse<String> postSlackCommand(Map<String, String> fields) throws IOException, InterruptedException {
        String body = form(fields);
        return post("/slack/commands", "application/x-www-form-urlencoded", body, slackHeaders(body));
    }

    protected HttpResponse<String> postSlackInteraction(String payloadJson) throws IOException, InterruptedException {
        String body = form(Map.of("payload", payloadJson));
        return post("/slack/interactions", "application/x-www-form-urlencoded", body, slackHeaders(body));
    }

    protected static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A slash command's fields as Slack sends them, with a fresh trigger_id. */
    protected static Map<String, String> command(String command, String text, String channel, String user) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("token", "legacy");
        fields.put("team_id", "T0123456");
        fields.put("team_domain", "acme");
        fields.put("channel_id", channel);
        fields.put("channel_name", "ops");
        fields.put("user_id", user);
        fields.put("user_name", "alice");
        fields.put("command", command);
        fields.put("text", text);
        fields.put("api_app_id", "A0123");
        fields.put("response_url", slackApi.baseUrl() + "/response/" + UUID.randomUUID());
        fields.put("trigger_id", "13345224609." + System.nanoTime() + ".abcdef");
        return fields;
    }

    /** An Events API envelope around {@code eventJson}, with the hub as bot user U0HUB. */
    protected static String eventCallback(String eventId, String eventJson) {
        return "{\"token\":\"legacy\",\"team_id\":\"T0123456\",\"api_app_id\":\"A0123\",\"type\":\"event_callback\","
                + "\"event_id\":\"" + eventId + "\",\"event_time\":1700000000,"
                + "\"authorizations\":[{\"enterprise_id\":null,\"team_id\":\"T0123456\",\"user_id\":\"U0HUB\",\"is_bot\":true,\"is_enterprise_install\":false}],"
                + "\"event\":" + eventJson + "}";
    }

    protected static String mention(String user, String channel, String ts, String text) {
        return "{\"type\":\"app_mention\",\"user\":\"" + user + "\",\"text\":\"<@U0HUB> " + text + "\",\"ts\":\"" + ts
                + "\",\"channel\":\"" + channel + "\",\"event_ts\":\"" + ts + "\",\"team\":\"T0123456\"}";
    }
}
