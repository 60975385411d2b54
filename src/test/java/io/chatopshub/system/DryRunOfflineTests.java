package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.chatopshub.ChatopsHubApplication;
import io.chatopshub.HubProcess;
import io.chatopshub.testing.SignedSlackRequest;

/**
 * The README's first run (no Slack token, no GitLab, Backlog or Azure credentials) is offline: the
 * whole hub, in a JVM of its own, is driven through its real HTTP endpoints by every integration,
 * and no connection and no name lookup leaves the machine, {@code response_url} included.
 *
 * <p>The child JVM runs under {@link OutboundWatch}, which records every {@code connect} and name
 * lookup that is not loopback, and a hosts file that knows only this machine, so a name lookup
 * that slipped past would fail rather than reach the network. {@link #theWatchSeesEveryClientTheHubUses}
 * measures that the watch catches each HTTP client the hub has, and
 * {@link #aHubWithABotTokenIsCaughtCallingSlack} that it catches the hub itself once one
 * credential is set: the offline test can fail.
 */
class DryRunOfflineTests {

    private static final String SIGNING_SECRET = "dev-signing-secret";
    private static final String THREAD = "1795261015.925290";
    private static final Duration START = Duration.ofSeconds(120);

    @Test
    void withoutCredentialsEveryIntegrationWorksAndNothingLeavesTheMachine() throws Exception {
        try (var hub = Child.hub("offline", Map.of()).start()) {
            assertThat(hub.post("/slack/events", "application/json", slackEvent("Ev0OFFLINE1", "<@U0HUB> release web"), true))
                    .isEqualTo(200);
            assertThat(hub.post("/slack/commands", "application/x-www-form-urlencoded", form(Map.of("command", "/runbook",
                    "text", "Restart-WebApp", "user_id", "U0DEV", "user_name", "dev", "channel_id", "C0DEV", "team_id", "T0DEV",
                    "trigger_id", "1.2.offline", "response_url", "https://hooks.slack.com/commands/T0DEV/1/offline")), true))
                    .isEqualTo(200);
            assertThat(hub.post("/slack/interactions", "application/x-www-form-urlencoded", form(Map.of("payload", """
                    {"type":"block_actions","user":{"id":"U0DEV","username":"dev"},"team":{"id":"T0DEV"},
                     "channel":{"id":"C0DEV"},"container":{"type":"message","message_ts":"%s","channel_id":"C0DEV"},
                     "trigger_id":"1.2.press","response_url":"https://hooks.slack.com/actions/T0DEV/2/offline",
                     "actions":[{"action_id":"test.choose.a","block_id":"test","value":"a","type":"button","action_ts":"1795261020.1"}]}
                    """.formatted(THREAD))), true)).isEqualTo(200);
            // a refused press (Cancel of a job the hub does not follow) is answered through its response_url too
            assertThat(hub.post("/slack/interactions", "application/x-www-form-urlencoded", form(Map.of("payload", """
                    {"type":"block_actions","user":{"id":"U0OTHER","username":"other"},"team":{"id":"T0DEV"},
                     "channel":{"id":"C0DEV"},"container":{"type":"message","message_ts":"%s","channel_id":"C0DEV"},
                     "trigger_id":"1.2.cancel","response_url":"https://hooks.slack.com/actions/T0DEV/3/refused",
                     "actions":[{"action_id":"runbook.cancel","block_id":"b","value":"00000000-0000-0000-0000-0000000000ff",
                     "type":"button","action_ts":"1795261021.1"}]}
                    """.formatted(THREAD))), true)).isEqualTo(200);
            assertThat(hub.post("/hooks/mackerel?token=dev-mackerel-token", "application/json", """
                    {"event":"alert","host":{"name":"web-01","url":"https://mackerel.io/orgs/acme/hosts/h1"},
                     "alert":{"id":"2bjOFF","url":"https://mackerel.io/orgs/acme/alerts/2bjOFF","status":"critical","isOpen":true,
                     "monitorName":"CPU usage","openedAt":1763700000,"statusChangedAt":1763700000}}""", false))
                    .isEqualTo(202);
            assertThat(hub.post("/hooks/deploy-result", "application/x-www-form-urlencoded", form(Map.of("token",
                    "dev-webhook-token", "source", "gitlab", "result", "success", "channel", "C0DEV", "timestamp", THREAD,
                    "url", "https://gitlab.example.com/acme/web/-/pipelines/77", "pipeline", "77")), false))
                    .isBetween(200, 299);
            // without chatops.cloudwatch.topic-arns no topic is trusted: refused before its certificate is fetched
            assertThat(hub.post("/hooks/cloudwatch", "text/plain; charset=UTF-8", snsNotification(), false)).isEqualTo(401);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(hub.log())
                    .contains("DRY-RUN gitlab POST")
                    .contains("DRY-RUN slack chat.postMessage channel=C0DEV thread_ts=" + THREAD)
                    .contains("DRY-RUN azure")
                    .containsPattern("DRY-RUN slack response_url payload=\\{.*\"text\":\"<@U0DEV> chose \\*A\\*\\.\"")
                    .containsPattern("DRY-RUN slack response_url payload=.*:no_entry: The hub no longer follows this job")
                    .contains("DRY-RUN backlog POST /api/v2/issues")
                    .contains("DRY-RUN slack chat.postMessage channel=C0ALERTS")
                    .contains("DRY-RUN slack reactions.add channel=C0DEV timestamp=" + THREAD));
            // the work is done; whatever it still does in the background (polls, retries) is offline too
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(hub.outbound()).isEmpty());
            assertThat(hub.log()).doesNotContain("UnknownHostException").doesNotContain("OUTBOUND ");
        }
    }

    @Test
    void aHubWithABotTokenIsCaughtCallingSlack() throws Exception {
        try (var hub = Child.hub("control", Map.of("chatops.slack.bot-token", "xoxb-0-offline-control")).start()) {
            assertThat(hub.post("/slack/events", "application/json", slackEvent("Ev0CONTROL1", "<@U0HUB> hello"), true))
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(hub.outbound())
                    .anyMatch(line -> line.startsWith("OUTBOUND lookup slack.com from ")));
        }
    }

    @Test
    void theWatchSeesEveryClientTheHubUses() throws Exception {
        Child probe = new Child("probe", OutboundProbe.class.getName(), List.of());
        Process process = probe.launch();
        assertThat(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("probe finished; see " + probe.log).isTrue();
        assertThat(probe.log()).contains("probe done");
        List<String> outbound = probe.outbound();
        for (String host : OutboundProbe.HOSTS.values()) {
            assertThat(outbound).as(host).anyMatch(line -> line.startsWith("OUTBOUND lookup " + host + " from "));
        }
        assertThat(outbound).anyMatch(line -> line.startsWith("OUTBOUND connect " + OutboundProbe.ADDRESS + ":443 from "));
    }

    /** A signed Events API callback carrying a mention in C0DEV by U0DEV. */
    private static String slackEvent(String eventId, String text) {
        return """
                {"token":"x","team_id":"T0DEV","api_app_id":"A0DEV","type":"event_callback","event_id":"%s",
                 "event_time":%d,"event":{"type":"app_mention","user":"U0DEV","team":"T0DEV","user_team":"T0DEV","text":"%s","ts":"%s","channel":"C0DEV",
                 "event_ts":"%s"}}""".formatted(eventId, Instant.now().getEpochSecond(), text, THREAD, THREAD);
    }

    private static String snsNotification() {
        return """
                {"Type":"Notification","MessageId":"0f1e2d3c-offline","TopicArn":"arn:aws:sns:ap-northeast-1:123456789012:alarms",
                 "Message":"{}","Timestamp":"%s","SignatureVersion":"1","Signature":"AAAA",
                 "SigningCertURL":"https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-offline.pem"}"""
                .formatted(Instant.now());
    }

    private static String form(Map<String, String> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }

    /** A JVM on the test classpath, under {@link OutboundWatch}, with a hosts file that knows only this machine. */
    static final class Child implements AutoCloseable {

        private final Path dir;
        final Path log;
        private final Path outboundLog;
        private final List<String> command = new ArrayList<>();
        private final int port;
        private Process process;
        private final HttpClient http = HttpClient.newHttpClient();

        Child(String name, String mainClass, List<String> args) throws IOException {
            this(name, mainClass, args, 0);
        }

        private Child(String name, String mainClass, List<String> args, int port) throws IOException {
            this.port = port;
            Files.createDirectories(Path.of("target"));
            dir = Files.createTempDirectory(Path.of("target"), "dry-run-" + name + "-").toAbsolutePath();
            log = dir.resolve("hub.log");
            outboundLog = dir.resolve("outbound.log");
            String localName = OutboundWatch.localHostName();
            Path hosts = dir.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 localhost " + localName + "\n::1 localhost\n");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                    "-XX:TieredStopAtLevel=1", "-Djava.security.manager=allow", "-Djdk.net.hosts.file=" + hosts,
                    "-Dchatops.test.outbound-log=" + outboundLog, "-Dchatops.test.local-host-name=" + localName,
                    "-cp", classpath, OutboundWatch.class.getName(), mainClass));
            command.addAll(args);
        }

        /** The hub on its embedded defaults: a signing secret and inbound tokens, no outbound credential. */
        static Child hub(String name, Map<String, String> extra) throws IOException {
            int port = HubProcess.freePort();
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("server.port", String.valueOf(port));
            settings.put("camel.springboot.main-run-controller", "false");
            settings.put("spring.jmx.enabled", "false");
            settings.put("camel.main.jmx-enabled", "false");
            settings.put("chatops.slack.signing-secret", SIGNING_SECRET);
            settings.put("chatops.slack.alert-channel", "C0ALERTS");
            settings.put("chatops.gitlab.webhook-token", "dev-webhook-token");
            settings.put("chatops.gitlab.deploy-targets[0].channel", "C0DEV");
            settings.put("chatops.gitlab.deploy-targets[0].project", "web");
            settings.put("chatops.gitlab.deploy-targets[0].project-id", "1234");
            settings.put("chatops.gitlab.deploy-targets[0].ref", "main");
            settings.put("chatops.azure.runbooks[0].name", "Restart-WebApp");
            settings.put("chatops.azure.runbooks[0].channels[0]", "C0DEV");
            settings.put("chatops.mackerel.webhook-token", "dev-mackerel-token");
            settings.putAll(extra);
            Child child = new Child(name, ChatopsHubApplication.class.getName(), List.of(), port);
            settings.put("chatops.data-dir", child.dir.resolve("data").toString());
            settings.forEach((k, v) -> child.command.add("--" + k + "=" + v));
            return child;
        }

        Process launch() throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return process;
        }

        Child start() throws IOException {
            launch();
            await().atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("hub exited with " + process.exitValue() + ":\n" + log());
                }
                return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            });
            return this;
        }

        /** POSTs to the hub, signed as Slack signs when asked; returns the status. */
        int post(String path, String contentType, String body, boolean slackSigned) throws Exception {
            URI uri = URI.create("http://localhost:" + port + path);
            var request = slackSigned ? SignedSlackRequest.post(uri, SIGNING_SECRET, contentType, body)
                    : HttpRequest.newBuilder(uri).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        String log() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "";
        }

        List<String> outbound() throws IOException {
            return Files.exists(outboundLog) ? Files.readAllLines(outboundLog) : List.of();
        }

        @Override
        public void close() throws Exception {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }
}
