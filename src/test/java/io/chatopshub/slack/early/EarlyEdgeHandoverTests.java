package io.chatopshub.slack.early;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import io.chatopshub.ChatopsHubApplication;
import io.chatopshub.HubProcess;
import io.chatopshub.testing.SignedSlackRequest;

/**
 * The hub started the way {@code main} starts it: the early edge first, taking requests before
 * anything of the hub exists; then the hub, which takes the port over and does the work of what
 * the early edge took: a slash command's real answer at its response_url, an event's work, a
 * Mackerel alert's Slack post, a GitLab pipeline's result in its release thread.
 */
class EarlyEdgeHandoverTests {

    private static final String SECRET = "handover-test-secret";
    private static final String MACKEREL_TOKEN = "handover-mackerel-token";
    private static final String GITLAB_TOKEN = "handover-gitlab-token";

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private ConfigurableApplicationContext hub;
    private EarlyStart early;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        if (early != null) {
            early.close();
        }
        slack.stop();
    }

    @Test
    void requestsTakenBeforeTheHubExistedAreDoneOnceItHasStartedAndThenTheHubHasThePort() throws Exception {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"channel\":\"D1\",\"ts\":\"1.1\"}")));
        slack.stubFor(post(urlPathEqualTo("/response/early")).willReturn(aResponse().withStatus(200).withBody("ok")));
        slack.stubFor(post(urlPathEqualTo("/api/reactions.add")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
        int port = HubProcess.freePort();
        Path dataDir = Files.createTempDirectory(Path.of("target"), "early-handover-");
        String[] args = { "--server.port=" + port, "--chatops.data-dir=" + dataDir, "--chatops.slack.signing-secret=" + SECRET,
                "--chatops.slack.bot-token=xoxb-handover-test", "--chatops.slack.url=" + slack.baseUrl(),
                "--spring.jmx.enabled=true", "--spring.jmx.unique-names=true",
                "--chatops.mackerel.webhook-token=" + MACKEREL_TOKEN, "--chatops.slack.alert-channel=C0EARLYALERTS",
                "--chatops.alerts.group-wait=1s", "--chatops.gitlab.webhook-token=" + GITLAB_TOKEN };

        early = EarlyStart.begin(args);
        assertThat(early.edge()).as("early edge, notes: %s", early.notes()).isPresent();
        HttpResponse<String> first = send(port, "/slack/commands", "application/x-www-form-urlencoded", command("early.1"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("is received; the hub is starting");
        assertThat(send(port, "/slack/events", "application/json", directMessage("Ev0EARLYDM")).statusCode()).isEqualTo(200);
        HttpResponse<String> alert = mackerelAlert(port);
        assertThat(alert.statusCode()).isEqualTo(202);
        assertThat(mackerelAlert(port).statusCode()).as("sent again").isEqualTo(202);
        assertThat(pipelineEvent(port).statusCode()).isEqualTo(200);
        assertThat(new EarlySpool(dataDir).waiting()).hasSize(4);

        // while the hub starts, a command every 20 ms: none may be refused (Camel's routes start after
        // the web server has the port; until then the early edge answers on the hub's port too)
        List<String> outcomes = new CopyOnWriteArrayList<>();
        AtomicBoolean hubAnswered = new AtomicBoolean();
        Thread sender = new Thread(() -> {
            for (int i = 0; !hubAnswered.get() && i < 5_000; i++) {
                try {
                    HttpResponse<String> answer = send(port, "/slack/commands", "application/x-www-form-urlencoded",
                            command("during." + i));
                    outcomes.add(answer.statusCode() + (answer.body().contains("is received") ? " early" : " hub"));
                    hubAnswered.compareAndSet(false, answer.body().contains("I don't know the command"));
                } catch (java.io.IOException e) {
                    outcomes.add("no connection");
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    outcomes.add(e.toString());
                }
                LockSupport.parkNanos(20_000_000);
            }
        });
        sender.start();
        hub = ChatopsHubApplication.run(early, args);
        sender.join(30_000);

        assertThat(outcomes).as("answers while the hub started").contains("200 early", "200 hub")
                .allMatch(o -> o.equals("200 early") || o.equals("200 hub") || o.equals("no connection"));
        assertThat(outcomes.stream().filter("no connection"::equals).count()).as("refused connections: the handover moment")
                .isLessThanOrEqualTo(2);
        long early = outcomes.stream().filter("200 early"::equals).count();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            slack.verify((int) early + 1, postRequestedFor(urlPathEqualTo("/response/early"))
                    .withRequestBody(containing("I don't know the command `/nothing-here`")));
            slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo("D0EARLY")));
            // Mackerel sends an alert once: the one taken while the hub started is posted, once
            slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                    .withFormParam("channel", equalTo("C0EARLYALERTS")).withRequestBody(containing("web-01")));
            // GitLab does not send a pipeline event again: the release thread hears how it ended
            slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                    .withFormParam("channel", equalTo("C0EARLYREL")).withFormParam("thread_ts", equalTo("1712345678.000100")));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> new EarlySpool(dataDir).waiting().isEmpty());

        HttpResponse<String> later = send(port, "/slack/commands", "application/x-www-form-urlencoded", command("early.2"));
        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(later.body()).as("answered by the hub itself").contains("I don't know the command `/nothing-here`");
        HttpResponse<String> retried = send(port, "/slack/events", "application/json", directMessage("Ev0EARLYDM"));
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(this.early.edge().get().summary()).contains((early + 4) + " deliveries taken");
        awaitHubSettledOnEvents();
        slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo("D0EARLY")));
    }

    /** The retried event went through the hub's claim: nothing more on its queue before the count is checked. */
    private void awaitHubSettledOnEvents() {
        io.chatopshub.testing.HubSettled.awaitQueues(hub, io.chatopshub.testing.HubSettled.DEFAULT_WAIT, "chatops.slack.events");
    }

    private HttpResponse<String> mackerelAlert(int port) throws Exception {
        String body;
        try (var in = EarlyEdgeHandoverTests.class.getResourceAsStream("/mackerel/alert-critical-host.json")) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/mackerel?token=" + MACKEREL_TOKEN))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> pipelineEvent(int port) throws Exception {
        String body = "{\"object_kind\":\"pipeline\",\"object_attributes\":{\"id\":4343,\"ref\":\"main\",\"status\":\"success\","
                + "\"variables\":[{\"key\":\"channel\",\"value\":\"C0EARLYREL\"},{\"key\":\"timestamp\",\"value\":\"1712345678.000100\"}],"
                + "\"url\":\"https://gitlab.example.com/p/4343\"},\"project\":{\"id\":1234,\"name\":\"web\"}}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/gitlab")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Gitlab-Token", GITLAB_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String command(String trigger) {
        return "team_id=T1&channel_id=C1&user_id=U1&command=%2Fnothing-here&text=x&trigger_id=" + trigger
                + "&response_url=" + URLEncoder.encode(slack.baseUrl() + "/response/early", StandardCharsets.UTF_8);
    }

    private static String directMessage(String eventId) {
        return "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"" + eventId + "\","
                + "\"authorizations\":[{\"team_id\":\"T1\",\"user_id\":\"U0HUB\",\"is_bot\":true}],"
                + "\"event\":{\"type\":\"message\",\"channel_type\":\"im\",\"channel\":\"D0EARLY\","
                + "\"user\":\"U0ALICE\",\"text\":\"hello early\",\"ts\":\"1.1\"}}";
    }

    private HttpResponse<String> send(int port, String path, String type, String body) throws Exception {
        return http.send(SignedSlackRequest.post(URI.create("http://127.0.0.1:" + port + path), SECRET, type, body)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
