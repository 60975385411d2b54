package io.chatopshub.slack.socket;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatopshub.system.BadRequestException;

/**
 * One connection against the WebSocket stand-in, with a sink that fails on demand: what is not
 * taken is not acknowledged (Slack sends it again), what can never be taken is acknowledged so
 * Slack stops sending it.
 */
class SocketConnectionTests {

    private final WireMockServer slackApi = new WireMockServer(options().dynamicPort());
    private final FakeSlackSocketServer slackSocket = new FakeSlackSocketServer();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();
    private final List<String> taken = new CopyOnWriteArrayList<>();
    private SocketConnection connection;

    @BeforeEach
    void connect() throws Exception {
        slackApi.start();
        slackSocket.startAndWait();
        slackApi.stubFor(post(urlPathEqualTo("/api/apps.connections.open")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"url\":\"" + slackSocket.url() + "\"}")));
        var config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(slackApi.baseUrl() + "/api/");
        var settings = new SocketModeProperties.Socket(1, Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofMillis(100), Duration.ofMillis(500));
        // envelopes are taken one after the other, in the order sent, so an ack's absence is seen
        connection = new SocketConnection(1, Slack.getInstance(config), "xapp-1-test", settings, (kind, payload) -> {
            if (payload.contains("broker-down")) {
                throw new IllegalStateException("the broker is not reachable");
            }
            if (payload.contains("garbage")) {
                throw new BadRequestException("event_callback without event_id or event");
            }
            taken.add(payload);
            return null;
        }, supervisor, Runnable::run);
        supervisor.scheduleWithFixedDelay(connection::check, 0, 200, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(15)).until(connection::isOpen);
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
        supervisor.shutdownNow();
        slackSocket.stop(1000);
        slackApi.stop();
    }

    @Test
    void anEnvelopeTheHubCouldNotTakeIsLeftUnacknowledgedForSlackToSendAgain() throws Exception {
        var socket = slackSocket.open.get(0);
        socket.send(FakeSlackSocketServer.envelope("events_api", "env-down", "{\"note\":\"broker-down\"}", 0));
        socket.send(FakeSlackSocketServer.envelope("events_api", "env-ok", "{\"note\":\"fine\"}", 0));
        assertThat(nextAck().path("envelope_id").asText()).isEqualTo("env-ok");
        assertThat(slackSocket.acks).isEmpty();
        assertThat(taken).containsExactly("{\"note\":\"fine\"}");

        socket.send(FakeSlackSocketServer.envelope("events_api", "env-down-again", "{\"note\":\"back up\"}", 1));
        assertThat(nextAck().path("envelope_id").asText()).isEqualTo("env-down-again");
    }

    @Test
    void aPayloadTheHubCanNeverReadIsAcknowledgedSoSlackStopsSendingIt() throws Exception {
        slackSocket.open.get(0).send(FakeSlackSocketServer.envelope("events_api", "env-garbage",
                "{\"note\":\"garbage\"}", 0));
        assertThat(nextAck().toString()).isEqualTo("{\"envelope_id\":\"env-garbage\"}");
        assertThat(taken).isEmpty();
    }

    @Test
    void whenAppsConnectionsOpenFailsTheConnectionIsOpenedOnceSlackAnswersAgain() throws Exception {
        slackApi.stubFor(post(urlPathEqualTo("/api/apps.connections.open")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"internal_error\"}")));
        int opened = slackSocket.opened.get();
        slackSocket.open.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> slackApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains("apps.connections.open")).count() >= 3);
        assertThat(slackSocket.opened.get()).isEqualTo(opened);
        slackApi.stubFor(post(urlPathEqualTo("/api/apps.connections.open")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"url\":\"" + slackSocket.url() + "\"}")));
        await().atMost(Duration.ofSeconds(10)).until(() -> slackSocket.opened.get() == opened + 1 && connection.isOpen());
    }

    private ObjectNode nextAck() throws InterruptedException {
        ObjectNode ack = slackSocket.acks.poll(15, TimeUnit.SECONDS);
        assertThat(ack).as("an ack").isNotNull();
        return ack;
    }
}
