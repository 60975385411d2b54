package io.chatopshub.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.chatopshub.HubProcess;
import io.chatopshub.testing.SignedSlackRequest;

/** The production launcher, scripts/run-hub, starts a hub that answers Slack and does the work. */
class RunHubIT {

    private static final String SECRET = "launcher-test-secret";

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final WireMockServer gitlab = new WireMockServer(options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private HubProcess hub;

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        slack.stop();
        gitlab.stop();
    }

    /**
     * A hub started by the launcher answers Slack, does the work, and is quiet about how it runs; the
     * README's {@code scripts/slack-send} requests it by hand as Slack would and a release goes out.
     */
    @Test
    void theLauncherStartsAHubThatAnswersACommandAndDoesTheWorkOfAnEvent() throws Exception {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"channel\":\"D1\",\"ts\":\"1.1\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/reactions.add")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
        gitlab.start();
        gitlab.stubFor(post(urlPathEqualTo("/api/v4/projects/1234/trigger/pipeline")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":55,\"iid\":1,\"status\":\"created\","
                        + "\"web_url\":\"" + gitlab.baseUrl() + "/web/-/pipelines/55\"}")));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "run-hub-");
        hub = HubProcess.viaLauncher(HubProcess.freePort(), dataDir.resolve("hub.log"), Map.of(
                "chatops.data-dir", dataDir.toString(),
                "chatops.slack.signing-secret", SECRET,
                "chatops.slack.bot-token", "xoxb-launcher-test",
                "chatops.slack.url", slack.baseUrl(),
                "chatops.gitlab.url", gitlab.baseUrl()))
                .withEnvironment(Map.of(
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_CHANNEL", "C0DEV",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_PROJECT", "web",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_PROJECT_ID", "1234",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_REF", "main",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_TRIGGER_TOKEN", "glptt-launcher"));
        hub.start(Duration.ofSeconds(120));
        assertThat(Files.readString(HubProcess.launcherCache())).as("scripts/run-hub --build-cache")
                .containsPattern("wrote \\S*target/hub/chatops-hub\\.(aot|jsa) ");
        assertThat(Files.readString(hub.log()))
                .contains("Spring AOT: the application context prepared when the hub was built is used")
                .doesNotContain("sun.misc.Unsafe");

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

        assertThat(slackSend("mention", "release web")).contains("HTTP 200");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> gitlab.verify(1,
                postRequestedFor(urlPathEqualTo("/api/v4/projects/1234/trigger/pipeline"))
                        .withRequestBody(containing("token=glptt-launcher")).withRequestBody(containing("ref=main"))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> slack.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo("C0DEV"))
                        .withFormParam("thread_ts", matching("\\d+\\.\\d+"))
                        .withFormParam("text", containing("/web/-/pipelines/55"))));
    }

    /** {@code scripts/slack-send} (the README's way to talk to a hub without Slack), run against this test's hub. */
    private String slackSend(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of("scripts", "slack-send").toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("HUB_URL", hub.baseUrl(), "SLACK_SIGNING_SECRET", SECRET));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /**
     * The packaged hub's Spring AOT code was made for the embedded defaults, without a console. An
     * operator login switches the console on, which that code would not follow: the hub says so and
     * prepares its context as usual, and the console is there.
     */
    @Test
    void aHubWithSettingsOfAnotherShapeThanTheBuildsPreparesItsContextAsUsual() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "run-hub-shape-");
        hub = HubProcess.viaLauncher(HubProcess.freePort(), dataDir.resolve("hub.log"), Map.of(
                "chatops.data-dir", dataDir.toString(),
                "chatops.slack.signing-secret", SECRET,
                "spring.security.user.name", "operator",
                "spring.security.user.password", "launcher-operator-pass"));
        hub.start(Duration.ofSeconds(120));
        assertThat(Files.readString(hub.log())).contains("Spring AOT: not used, these settings differ from the build's: hawtio.enabled (not set here), ")
                .contains("spring.security.user.password (set here); the application context is prepared as usual");
        HttpResponse<String> console = http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/actuator/hawtio/index.html"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "operator:launcher-operator-pass".getBytes(StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(console.statusCode()).isEqualTo(200);
        assertThat(console.body()).containsIgnoringCase("hawtio");
    }

    /** The configuration checks run before the bean definitions are read, generated at build time or not. */
    @Test
    void aSettingMistakeStillStopsAHubThatUsesSpringAot() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "run-hub-mistake-");
        hub = HubProcess.viaLauncher(HubProcess.freePort(), dataDir.resolve("hub.log"), Map.of(
                "chatops.data-dir", dataDir.toString(),
                "chatops.slack.signing-secret", SECRET))
                .withEnvironment(Map.of("CHATOPS_GITLAB_DEPLOY_TARGETS_1_PROJECT", "ops/web"));
        hub.launch();
        assertThat(hub.awaitExit(Duration.ofSeconds(120))).isEqualTo(1);
        assertThat(Files.readString(hub.log()))
                .contains("Spring AOT: the application context prepared when the hub was built is used")
                .contains("CHATOPS_GITLAB_DEPLOY_TARGETS_1_* is set but CHATOPS_GITLAB_DEPLOY_TARGETS_0_* is not")
                .doesNotContain("Started ChatopsHubApplication");
    }

    /** A collector named in HUB_JAVA_OPTS replaces the launcher's serial one: the JVM refuses two. */
    @Test
    void aCollectorNamedInHubJavaOptsReplacesTheSerialOne() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "run-hub-gc-");
        Path log = dataDir.resolve("hub.log");
        hub = HubProcess.viaLauncher(HubProcess.freePort(), log, Map.of(
                "chatops.data-dir", dataDir.toString(),
                "chatops.slack.signing-secret", SECRET,
                "chatops.slack.bot-token", "xoxb-launcher-test",
                "chatops.slack.url", "http://127.0.0.1:9"))
                .withEnvironment(Map.of("HUB_JAVA_OPTS", "-XX:+UseG1GC -Xlog:gc=info:stdout"));
        hub.start(Duration.ofSeconds(120));
        assertThat(Files.readString(log)).contains("Using G1").doesNotContain("Using Serial");
    }

    /**
     * The first signed command is answered by the early edge, seconds before the hub is up; the
     * hub is then killed (SIGKILL) before it could do anything with it, and the next start still
     * does the command's work and sends its answer to the response_url, once.
     */
    @Test
    void aCommandTheLauncherAnswersBeforeTheHubIsUpSurvivesASigkillAndIsAnsweredAfterTheRestart() throws Exception {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/response/early")).willReturn(aResponse().withStatus(200).withBody("ok")));
        Path dataDir = Files.createTempDirectory(Path.of("target"), "run-hub-early-");
        Map<String, String> properties = Map.of(
                "chatops.data-dir", dataDir.toString(),
                "chatops.slack.signing-secret", SECRET,
                "chatops.slack.bot-token", "xoxb-launcher-test",
                "chatops.slack.url", slack.baseUrl());
        int port = HubProcess.freePort();
        hub = HubProcess.viaLauncher(port, dataDir.resolve("hub.log"), properties).launch();
        String command = "team_id=T1&channel_id=C1&user_id=U1&command=%2Fnothing-here&text=x&trigger_id=early.1"
                + "&response_url=" + java.net.URLEncoder.encode(slack.baseUrl() + "/response/early", StandardCharsets.UTF_8);
        HttpResponse<String> first = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> send("/slack/commands", "application/x-www-form-urlencoded", command), r -> r.statusCode() == 200);
        assertThat(first.body()).as("answered by the early edge").contains("is received; the hub is starting");
        assertThat(hub.isAlive()).isTrue();
        hub.kill();
        assertThat(Files.readString(hub.log())).doesNotContain("handed ");
        slack.verify(0, postRequestedFor(urlPathEqualTo("/response/early")));

        hub = HubProcess.viaLauncher(port, dataDir.resolve("hub.log"), properties).start(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> slack.verify(1, postRequestedFor(urlPathEqualTo("/response/early"))
                .withRequestBody(containing("I don't know the command `/nothing-here`"))));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(hub.log()))
                .contains("handed 1 deliveries the early edge took to the hub"));
    }

    /**
     * The launcher runs the hub on JDK 25 when there is one, where every request gets a virtual
     * thread: two hundred clients trickling their bodies (blocking reads, the default) park no pool
     * thread, and signed requests sent meanwhile are each answered within a second. On JDK 17's pool
     * of 64 threads the same clients hold every thread and the signed request waits for minutes.
     */
    @Test
    void onJdk25SignedRequestsAreAnsweredWithinASecondWhileTwoHundredClientsTrickleTheirBodies() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "run-hub-slow-");
        hub = HubProcess.viaLauncher(HubProcess.freePort(), dataDir.resolve("hub.log"), Map.of(
                "chatops.data-dir", dataDir.toString(),
                "chatops.slack.signing-secret", SECRET));
        hub.start(Duration.ofSeconds(120));
        Assumptions.assumeTrue(Files.readString(hub.log()).matches("(?s).*using Java (2[1-9]|[3-9]\\d)\\..*"),
                "the launcher found no JDK 21+ here (it takes /usr/lib/jvm/*25*), so requests run on the platform pool");
        // the first requests load classes and open the broker session: not what is measured
        send("/slack/commands", "application/x-www-form-urlencoded", slowCommand(0));

        int port = URI.create(hub.baseUrl()).getPort();
        List<SocketChannel> tricklers = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 200; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("localhost", port));
                channel.write(ByteBuffer.wrap(("POST " + (i % 2 == 0 ? "/slack/events" : "/slack/commands")
                        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Slack-Request-Timestamp: 1\r\n"
                        + "X-Slack-Signature: v0=00\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII)));
                tricklers.add(channel);
            }
            trickle.scheduleAtFixedRate(() -> tricklers.forEach(channel -> {
                try {
                    channel.write(ByteBuffer.wrap(new byte[] { ' ' }));
                } catch (IOException e) {
                    // closed by the hub: nothing more to send
                }
            }), 0, 2, TimeUnit.SECONDS);
            for (int i = 1; i <= 3; i++) {
                String event = "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"Ev0SLOW" + i + "\","
                        + "\"event\":{\"type\":\"message\",\"channel_type\":\"channel\",\"channel\":\"C0SLOW\","
                        + "\"user\":\"U0ALICE\",\"text\":\"still there?\",\"ts\":\"1." + i + "\"}}";
                assertAnsweredWithinASecond("/slack/events", "application/json", event);
                assertAnsweredWithinASecond("/slack/commands", "application/x-www-form-urlencoded", slowCommand(i));
            }
        } finally {
            trickle.shutdownNow();
            for (SocketChannel channel : tricklers) {
                channel.close();
            }
        }
    }

    private static String slowCommand(int i) {
        return "team_id=T1&channel_id=C1&user_id=U1&command=%2Fnothing-here&text=x&trigger_id=slow." + i
                + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1";
    }

    private void assertAnsweredWithinASecond(String path, String type, String body) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = send(path, type, body);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answer to %s", path).isLessThan(Duration.ofSeconds(1));
        assertThat(answer.statusCode()).as("answer to %s: %s", path, answer.body()).isEqualTo(200);
    }

    private HttpResponse<String> send(String path, String type, String body) throws Exception {
        return http.send(SignedSlackRequest.post(URI.create(hub.baseUrl() + path), SECRET, type, body)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
