package io.chatopshub.system;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.ServerSessionImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.Yaml;

import io.chatopshub.HubProcess;
import io.chatopshub.automation.AzureStubs;
import io.chatopshub.automation.JobNames;
import io.chatopshub.dedup.Dynalite;
import io.chatopshub.testing.HubSettled;
import io.chatopshub.testing.SignedSlackRequest;

/**
 * Two hub processes behind one (imaginary) load balancer, sharing an external ActiveMQ Artemis
 * broker (started here from Maven Central's artifacts, with the hub's own queues and address
 * settings) and a DynamoDB table (dynalite): what one instance accepted, either instance
 * finishes; a delivery Slack retries against the other instance is still acted on once; a
 * runbook job whose polls both instances share is created once and its progress reported once.
 *
 * <p>Starting a hub takes most of a minute on a small machine, so the broker and both hubs are
 * started once for the class; every test uses ids and channels of its own, and the test that
 * kills an instance and stops the broker runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    private static final String SECRET = "scale-out-secret";
    private static final String POLL_INTERVAL = "1s";
    /** Channels where the scale-out tests run runbooks; Slack answers posts there at once. */
    private static final List<String> RUNBOOK_CHANNELS = List.of("C0RUN1", "C0RUN2", "C0RUN3", "C0RUN4", "C0RUNKILL");
    private static final String RUNNING = ":runner: Restart-WebApp: Running";
    private static final String COMPLETED = ":white_check_mark: Restart-WebApp: Completed";

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final AzureStubs azure = new AzureStubs();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Path dir;
    private EmbeddedActiveMQ broker;
    private HubProcess hubA;
    private HubProcess hubB;

    @BeforeAll
    void start() throws Exception {
        // the broker's audit trail (a line per message sent and acknowledged) would drown the build output
        for (String logger : List.of("org.apache.activemq.audit", "org.apache.activemq.artemis")) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger)).setLevel(ch.qos.logback.classic.Level.WARN);
        }
        dir = Files.createTempDirectory(Path.of("target"), "scale-out-");
        int brokerPort = HubProcess.freePort();
        broker = startBroker(dir.resolve("broker"), brokerPort);
        slack.start();
        // direct messages: Slack answers slowly, so an instance killed has work in hand
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withFixedDelay(1500).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"channel\":\"D1\",\"ts\":\"1.1\"}")));
        for (String channel : RUNBOOK_CHANNELS) {
            for (String method : List.of("postMessage", "update")) {
                slack.stubFor(slackAnswer(method, channel));
            }
        }
        slack.stubFor(post(urlPathMatching("/response/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
        azure.reset();

        String table = "scale-out-" + System.nanoTime();
        // the first to find the table missing creates it, the other waits for it
        var a = CompletableFuture.supplyAsync(() -> startHub("a", brokerPort, table, false));
        var b = CompletableFuture.supplyAsync(() -> startHub("b", brokerPort, table, true));
        hubA = a.join();
        hubB = b.join();
    }

    @AfterAll
    void stop() throws Exception {
        for (HubProcess hub : new HubProcess[] {hubA, hubB}) {
            if (hub != null && broker != null) {
                hub.close();
            } else if (hub != null) {
                // without its broker a hub's graceful stop waits for reconnects: nothing is left to check
                hub.kill();
            }
        }
        slack.stop();
        azure.stop();
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    @Order(1)
    void slackRetriesOfOneEventSplitBetweenTheTwoInstancesAreActedOnOnce() throws Exception {
        for (int i = 0; i < 8; i++) {
            String event = directMessage("Ev0SPLIT" + i, "D0SPLIT" + i);
            // the first delivery and Slack's retry race each other to different instances
            HubProcess one = i % 2 == 0 ? hubA : hubB;
            HubProcess other = one == hubA ? hubB : hubA;
            var first = CompletableFuture.supplyAsync(() -> send(one, "/slack/events", "application/json", event, null));
            var retry = CompletableFuture.supplyAsync(() -> send(other, "/slack/events", "application/json", event, "1"));
            assertThat(first.get().statusCode()).isEqualTo(200);
            assertThat(retry.get().statusCode()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < 8; i++) {
                slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("channel", equalTo("D0SPLIT" + i)));
            }
        });
        HubSettled.awaitBrokerDrained(broker.getActiveMQServer(), Duration.ofSeconds(60));
        slack.verify(8, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", matching("D0SPLIT.*")));
        // one instance logs in JSON: the delivery lines are objects with the delivery's fields
        assertThat(jsonDeliveryLines(hubB)).filteredOn(line -> line.path("delivery_id").asText().contains("Ev0SPLIT"))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("route").asText())
                        .isIn("slack-receive-events", "slack-handle-events"));
    }

    @Test
    @Order(2)
    void runbookJobsWhosePollsBothInstancesShareAreCreatedOnceAndTheirProgressReportedOnce() throws Exception {
        List<Map<String, String>> commands = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            var fields = runbookCommand("Restart-WebApp AppName=web" + i, RUNBOOK_CHANNELS.get(i));
            azure.jobGoesThrough(jobName(fields), List.of("Running", "Running", "Completed"), "Restarted web" + i);
            commands.add(fields);
        }

        for (int i = 0; i < commands.size(); i++) {
            var answer = send(i % 2 == 0 ? hubA : hubB, "/slack/commands", "application/x-www-form-urlencoded",
                    form(commands.get(i)), null);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(json.readTree(answer.body()).path("text").asText())
                    .isEqualTo(":rocket: Starting `Restart-WebApp`. Its progress is posted in this channel.");
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (var fields : commands) {
                slack.verify(1, outputPosted(fields.get("channel_id")));
            }
        });
        // a copy of a poll, by either instance, waits on the shared broker until it is done
        HubSettled.awaitBrokerDrained(broker.getActiveMQServer(), Duration.ofSeconds(60));

        for (int i = 0; i < commands.size(); i++) {
            var fields = commands.get(i);
            String channel = fields.get("channel_id");
            String jobName = jobName(fields);
            azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName))));
            azure.arm.verify(3, getRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName))));
            azure.arm.verify(1, getRequestedFor(urlEqualTo(AzureStubs.outputUrl(jobName))));
            slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                    .withFormParam("channel", equalTo(channel)).withFormParam("thread_ts", absent())
                    .withFormParam("text", equalTo(":new: Restart-WebApp: New"))
                    .withFormParam("blocks", containing(jobName)));
            slack.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo(channel)));
            slack.verify(1, outputPosted(channel).withFormParam("blocks", containing("Restarted web" + i)));
            assertThat(updates(channel)).as("updates of the progress message in %s", channel)
                    .containsExactly(RUNNING, COMPLETED);
            slack.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.update"))
                    .withFormParam("channel", equalTo(channel)).withFormParam("ts", equalTo(messageTs(channel))));
            assertThat(auditEvents(fields.get("trigger_id"))).as("audit of %s on both instances", jobName)
                    .containsExactlyInAnyOrder("ALLOWED", "STARTED", "FINISHED");
        }
        // both instances did part of the work: starts and polls went to whichever was free
        for (HubProcess hub : List.of(hubA, hubB)) {
            String log = Files.readString(hub.log());
            assertThat(commands).as("jobs %s worked on", hub.log().getFileName())
                    .anyMatch(fields -> log.contains("job " + jobName(fields) + " of runbook Restart-WebApp"));
        }
    }

    @Test
    @Order(3)
    void workAcceptedByAnInstanceThatIsKilledIsFinishedByTheOther() throws Exception {
        String channel = "C0RUNKILL";
        var fields = runbookCommand("Restart-WebApp AppName=kill", channel);
        String jobName = jobName(fields);
        azure.jobGoesThrough(jobName, List.of("Running"), "finished by the survivor");
        assertThat(send(hubA, "/slack/commands", "application/x-www-form-urlencoded", form(fields), null).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> updates(channel).contains(RUNNING));
        // the instance that took the request posted the progress message and created the job
        HubProcess victim = Files.readString(hubA.log()).contains("job " + jobName + " of runbook Restart-WebApp started")
                ? hubA : hubB;
        HubProcess survivor = victim == hubA ? hubB : hubA;
        assertThat(Files.readString(victim.log())).contains("job " + jobName + " of runbook Restart-WebApp started");

        for (int i = 0; i < 16; i++) {
            var answer = send(victim, "/slack/events", "application/json", directMessage("Ev0KILL" + i, "D0KILL" + i), null);
            assertThat(answer.statusCode()).isEqualTo(200);
        }
        // both instances take from the same queue: the victim dies while the broker counts an event
        // as handed to it and not yet acknowledged (Slack answers slowly, so it is mid-work)
        String victimUser = victim == hubA ? "hub-a" : "hub-b";
        await().atMost(Duration.ofSeconds(20)).until(() -> holdsAnUnacknowledgedEvent(victimUser));
        victim.kill();
        // the job ends while only the survivor is left to notice
        azure.arm.stubFor(get(urlEqualTo(AzureStubs.jobUrl(jobName))).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(AzureStubs.job(jobName, "Completed"))));

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (int i = 0; i < 16; i++) {
                slack.verify(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("channel", equalTo("D0KILL" + i)));
            }
            slack.verify(1, outputPosted(channel).withFormParam("blocks", containing("finished by the survivor")));
        });
        // the survivor finished work the broker had already handed to the victim (delivered again after its connection died)
        assertThat(survivor.deliveries()).anySatisfy(delivery -> {
            assertThat(delivery).containsEntry("route", "slack-handle-events").containsEntry("outcome", "done");
            assertThat(delivery.get("delivery_id")).contains("Ev0KILL");
            assertThat(Integer.parseInt(delivery.get("attempt"))).isGreaterThanOrEqualTo(2);
        });
        // and reported the end of the job the victim had started, once
        HubSettled.awaitBrokerDrained(broker.getActiveMQServer(), Duration.ofSeconds(60));
        assertThat(Files.readString(survivor.log())).contains("job " + jobName + " of runbook Restart-WebApp: Running -> Completed");
        assertThat(updates(channel)).containsExactly(RUNNING, COMPLETED);
        slack.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo(channel)));
        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName))));
        assertThat(auditEvents(fields.get("trigger_id"))).containsExactlyInAnyOrder("ALLOWED", "STARTED", "FINISHED");

        // the survivor is no longer ready once the broker is gone, so a load balancer stops sending to it
        broker.stop();
        broker = null;
        await().atMost(Duration.ofSeconds(30)).until(() -> status(survivor, "/actuator/health/readiness") == 503);
        assertThat(status(survivor, "/actuator/health/liveness")).isEqualTo(200);
    }

    /** Whether the instance connected to the broker as {@code user} holds an event it has not acknowledged. */
    private boolean holdsAnUnacknowledgedEvent(String user) {
        ActiveMQServer server = broker.getActiveMQServer();
        return server.locateQueue("chatops.slack.events").getConsumers().stream()
                .filter(ServerConsumer.class::isInstance).map(ServerConsumer.class::cast)
                .anyMatch(consumer -> server.getSessionByID(consumer.getSessionID()) instanceof ServerSessionImpl session
                        && user.equals(session.getUsername()) && !consumer.getDeliveringMessages().isEmpty());
    }

    private HubProcess startHub(String name, int brokerPort, String table, boolean jsonLogs) {
        Map<String, String> properties = new HashMap<>(azure.properties(POLL_INTERVAL, "30m"));
        for (int i = 0; i < RUNBOOK_CHANNELS.size(); i++) {
            properties.put("chatops.azure.runbooks[0].channels[" + (i + 1) + "]", RUNBOOK_CHANNELS.get(i));
        }
        properties.put("chatops.data-dir", dir.resolve(name).toString());
        properties.put("chatops.slack.signing-secret", SECRET);
        properties.put("chatops.slack.bot-token", "xoxb-scale-out");
        properties.put("chatops.slack.url", slack.baseUrl());
        properties.put("spring.artemis.mode", "native");
        properties.put("spring.artemis.broker-url", "tcp://127.0.0.1:" + brokerPort);
        properties.put("spring.artemis.embedded.enabled", "false");
        // the broker has no security; the user name tells the instances' sessions apart
        properties.put("spring.artemis.user", "hub-" + name);
        properties.put("chatops.dedup.store", "dynamodb");
        properties.put("chatops.dedup.table", table);
        properties.put("chatops.aws.region", Dynalite.REGION);
        properties.put("chatops.aws.endpoint", Dynalite.endpoint().toString());
        properties.put("chatops.logging.json", Boolean.toString(jsonLogs));
        try {
            return HubProcess.viaLauncher(HubProcess.freePort(), dir.resolve(name + ".log"), properties)
                    .withEnvironment(Map.of("AWS_ACCESS_KEY_ID", "dummykey", "AWS_SECRET_ACCESS_KEY", "dummysecret"))
                    .start(Duration.ofSeconds(180));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An external broker as an operator would configure it: the hub's address settings, a TCP
     * acceptor, and every queue of {@code spring.artemis.embedded.queues} declared up front.
     */
    private static EmbeddedActiveMQ startBroker(Path dir, int port) throws Exception {
        var configuration = new ConfigurationImpl()
                .setName("scale-out-broker")
                .setSecurityEnabled(false)
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJMXManagementEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        List<String> queues = hubQueues();
        assertThat(queues).contains(DeadLetterQueue.QUEUE, "chatops.automation.runbooks", "chatops.automation.jobs",
                "chatops.automation.approvals");
        for (String queue : queues) {
            configuration.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        new BrokerConfiguration().chatopsAddressSettings().customize(configuration);
        return new EmbeddedActiveMQ().setConfiguration(configuration).start();
    }

    /** The queues the embedded broker declares, from the application.yaml the hub processes read. */
    private static List<String> hubQueues() throws IOException {
        Map<String, Object> application;
        try (var in = Files.newInputStream(Path.of("application.yaml"))) {
            application = new Yaml().load(in);
        }
        Object queues = ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) application.get("spring")).get("artemis"))
                .get("embedded")).get("queues");
        return Stream.of(String.valueOf(queues).split("\\s*,\\s*")).map(String::strip).toList();
    }

    private static MappingBuilder slackAnswer(String method, String channel) {
        return post(urlPathEqualTo("/api/chat." + method)).atPriority(1)
                .withFormParam("channel", equalTo(channel))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"" + messageTs(channel) + "\"}"));
    }

    /** Slack's timestamp of every message posted in {@code channel}; the progress message is the first. */
    private static String messageTs(String channel) {
        return "1700000000." + Math.abs(channel.hashCode() % 1_000_000);
    }

    private static RequestPatternBuilder outputPosted(String channel) {
        return postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo(channel))
                .withFormParam("thread_ts", equalTo(messageTs(channel)))
                .withFormParam("text", equalTo("Output of Restart-WebApp"));
    }

    /** The texts {@code chat.update} set in {@code channel}, oldest first. */
    private List<String> updates(String channel) {
        return slack.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/api/chat.update"))
                .filter(e -> channel.equals(formField(e, "channel")))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> formField(e, "text"))
                .toList();
    }

    private static String formField(ServeEvent event, String name) {
        var field = event.getRequest().formParameter(name);
        return field.isPresent() ? field.firstValue() : null;
    }

    /** The audit events of one request, from the trails of both instances. */
    private List<String> auditEvents(String requestId) throws IOException {
        List<String> events = new ArrayList<>();
        for (String hub : List.of("a", "b")) {
            Path trail = dir.resolve(hub).resolve("audit").resolve("runbooks.jsonl");
            if (Files.exists(trail)) {
                for (String line : Files.readAllLines(trail)) {
                    JsonNode entry = json.readTree(line);
                    if (requestId.equals(entry.path("requestId").asText())) {
                        events.add(entry.path("event").asText());
                    }
                }
            }
        }
        return events;
    }

    private Map<String, String> runbookCommand(String text, String channel) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("token", "legacy");
        fields.put("team_id", "T1");
        fields.put("team_domain", "acme");
        fields.put("channel_id", channel);
        fields.put("channel_name", "ops");
        fields.put("user_id", "U0ALICE");
        fields.put("user_name", "alice");
        fields.put("command", "/runbook");
        fields.put("text", text);
        fields.put("api_app_id", "A0123");
        fields.put("response_url", slack.baseUrl() + "/response/" + channel);
        fields.put("trigger_id", "13345224609." + System.nanoTime() + ".scale");
        return fields;
    }

    private static String jobName(Map<String, String> command) {
        return JobNames.fromTriggerId(command.get("trigger_id"));
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A signed request as Slack sends it; {@code retryNum} marks Slack's retries of an event. */
    private HttpResponse<String> send(HubProcess hub, String path, String contentType, String body, String retryNum) {
        try {
            var request = SignedSlackRequest.post(URI.create(hub.baseUrl() + path), SECRET, contentType, body);
            if (retryNum != null) {
                request.header("X-Slack-Retry-Num", retryNum).header("X-Slack-Retry-Reason", "http_timeout");
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int status(HubProcess hub, String path) {
        try {
            // a probe that waits longer than a few seconds is as good as a failed one
            return http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private List<JsonNode> jsonDeliveryLines(HubProcess hub) throws IOException {
        return Files.readAllLines(hub.log()).stream()
                .filter(line -> line.startsWith("{") && line.contains("\"io.chatopshub.Delivery\""))
                .map(line -> {
                    try {
                        return json.readTree(line);
                    } catch (IOException e) {
                        throw new IllegalStateException("not JSON: " + line, e);
                    }
                })
                .toList();
    }

    /** The fields of every delivery line ({@code delivery route=… outcome=…}), whichever format the instance logs in. */
    private static String directMessage(String eventId, String channel) {
        return "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"" + eventId + "\","
                + "\"authorizations\":[{\"team_id\":\"T1\",\"user_id\":\"U0HUB\",\"is_bot\":true}],"
                + "\"event\":{\"type\":\"message\",\"channel_type\":\"im\",\"channel\":\"" + channel
                + "\",\"user\":\"U0ALICE\",\"text\":\"hi\",\"ts\":\"1700000200.000100\"}}";
    }
}
