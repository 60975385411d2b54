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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatopshub.HubProcess;
import io.chatopshub.dedup.DynamoDbLocal;
import io.chatopshub.slack.SlackSignatureVerifier;

/**
 * Two hub processes behind one (imaginary) load balancer, sharing an external ActiveMQ Artemis
 * broker (started here from Maven Central's artifacts, with the hub's own address settings) and a
 * DynamoDB table (DynamoDB Local): what one instance accepted, either instance finishes, and a
 * delivery Slack retries against the other instance is still acted on once.
 */
class ScaleOutIT {

    private static final String SECRET = "scale-out-secret";
    private static final List<String> QUEUES = List.of("chatops.slack.events", "chatops.slack.interactions", DeadLetterQueue.QUEUE);

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedActiveMQ broker;
    private HubProcess hubA;
    private HubProcess hubB;

    @BeforeEach
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "scale-out-");
        int brokerPort = HubProcess.freePort();
        broker = startBroker(dir.resolve("broker"), brokerPort);
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withFixedDelay(1500).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"channel\":\"D1\",\"ts\":\"1.1\"}")));

        String table = "scale-out-" + System.nanoTime();
        hubA = hub("a", dir, brokerPort, table, false).start(Duration.ofSeconds(120));
        hubB = hub("b", dir, brokerPort, table, true).start(Duration.ofSeconds(120));
    }

    @AfterEach
    void stop() throws Exception {
        for (HubProcess hub : new HubProcess[] {hubA, hubB}) {
            if (hub != null) {
                hub.close();
            }
        }
        slack.stop();
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void slackRetriesOfOneEventSplitBetweenTheTwoInstancesAreActedOnOnce() throws Exception {
        for (int i = 0; i < 8; i++) {
            String event = directMessage("Ev0SPLIT" + i, "D0SPLIT" + i);
            // the first delivery and Slack's retry race each other to different instances
            HubProcess one = i % 2 == 0 ? hubA : hubB;
            HubProcess other = one == hubA ? hubB : hubA;
            var first = CompletableFuture.supplyAsync(() -> send(one, event, null));
            var retry = CompletableFuture.supplyAsync(() -> send(other, event, "1"));
            assertThat(first.get().statusCode()).isEqualTo(200);
            assertThat(retry.get().statusCode()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < 8; i++) {
                slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("channel", equalTo("D0SPLIT" + i)));
            }
        });
        Thread.sleep(4000);
        slack.verify(8, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
        // one instance logs in JSON: the delivery lines are objects with the delivery's fields
        assertThat(jsonDeliveryLines(hubB)).allSatisfy(line -> assertThat(line.path("route").asText())
                .isIn("slack-receive-events", "slack-handle-events")).isNotEmpty();
    }

    @Test
    void workAcceptedByAnInstanceThatIsKilledIsFinishedByTheOther() throws Exception {
        for (int i = 0; i < 16; i++) {
            assertThat(send(hubA, directMessage("Ev0KILL" + i, "D0KILL" + i), null).statusCode()).isEqualTo(200);
        }
        // Slack answers slowly, so instance A is in the middle of its share when it dies
        await().atMost(Duration.ofSeconds(20)).until(() ->
                slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).size() >= 2);
        hubA.kill();

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (int i = 0; i < 16; i++) {
                slack.verify(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("channel", equalTo("D0KILL" + i)));
            }
        });
        // B finished work the broker had already handed to A (delivered again after A's connection died)
        assertThat(jsonDeliveryLines(hubB)).anySatisfy(line -> {
            assertThat(line.path("route").asText()).isEqualTo("slack-handle-events");
            assertThat(line.path("outcome").asText()).isEqualTo("done");
            assertThat(line.path("attempt").asInt()).isGreaterThanOrEqualTo(2);
        });

        // the survivor is no longer ready once the broker is gone, so a load balancer stops sending to it
        broker.stop();
        broker = null;
        await().atMost(Duration.ofSeconds(30)).until(() -> status(hubB, "/actuator/health/readiness") == 503);
        assertThat(status(hubB, "/actuator/health/liveness")).isEqualTo(200);
    }

    private HubProcess hub(String name, Path dir, int brokerPort, String table, boolean jsonLogs) throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put("chatops.data-dir", dir.resolve(name).toString());
        properties.put("chatops.slack.signing-secret", SECRET);
        properties.put("chatops.slack.bot-token", "xoxb-scale-out");
        properties.put("chatops.slack.url", slack.baseUrl());
        properties.put("spring.artemis.mode", "native");
        properties.put("spring.artemis.broker-url", "tcp://127.0.0.1:" + brokerPort);
        properties.put("spring.artemis.embedded.enabled", "false");
        properties.put("chatops.dedup.store", "dynamodb");
        properties.put("chatops.dedup.table", table);
        properties.put("chatops.aws.region", DynamoDbLocal.REGION);
        properties.put("chatops.aws.endpoint", DynamoDbLocal.endpoint().toString());
        properties.put("chatops.logging.json", Boolean.toString(jsonLogs));
        return new HubProcess(HubProcess.freePort(), dir.resolve(name + ".log"), properties)
                .withEnvironment(Map.of("AWS_ACCESS_KEY_ID", "dummykey", "AWS_SECRET_ACCESS_KEY", "dummysecret"));
    }

    /** An external broker as an operator would configure it: the hub's queues and address settings, TCP acceptor. */
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
        for (String queue : QUEUES) {
            configuration.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        new BrokerConfiguration().chatopsAddressSettings().customize(configuration);
        return new EmbeddedActiveMQ().setConfiguration(configuration).start();
    }

    private HttpResponse<String> send(HubProcess hub, String body, String retryNum) {
        try {
            String ts = String.valueOf(Clock.systemUTC().instant().getEpochSecond());
            String signature = new SlackSignatureVerifier(SECRET, Clock.systemUTC())
                    .sign(ts, body.getBytes(StandardCharsets.UTF_8));
            var request = HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/slack/events"))
                    .header("Content-Type", "application/json").header("X-Slack-Request-Timestamp", ts)
                    .header("X-Slack-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(body));
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

    private static List<JsonNode> jsonDeliveryLines(HubProcess hub) throws Exception {
        var json = new ObjectMapper();
        return Files.readAllLines(hub.log()).stream()
                .filter(line -> line.startsWith("{") && line.contains("\"io.chatopshub.Delivery\""))
                .map(line -> {
                    try {
                        return json.readTree(line);
                    } catch (Exception e) {
                        throw new IllegalStateException("not JSON: " + line, e);
                    }
                })
                .toList();
    }

    private static String directMessage(String eventId, String channel) {
        return "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"" + eventId + "\","
                + "\"authorizations\":[{\"team_id\":\"T1\",\"user_id\":\"U0HUB\",\"is_bot\":true}],"
                + "\"event\":{\"type\":\"message\",\"channel_type\":\"im\",\"channel\":\"" + channel
                + "\",\"user\":\"U0ALICE\",\"text\":\"hi\",\"ts\":\"1700000200.000100\"}}";
    }
}
