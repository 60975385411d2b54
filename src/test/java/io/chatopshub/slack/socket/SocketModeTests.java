package io.chatopshub.slack.socket;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.apache.camel.CamelContext;
import org.java_websocket.WebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.IntegrationStatus;
import io.chatopshub.system.Json;
import io.chatopshub.system.QueryStrings;

/**
 * The hub with an app token and no inbound request from Slack: WireMock answers
 * {@code apps.connections.open} with the URL of a local WebSocket server that plays Slack's
 * Socket Mode side (hello, envelopes, disconnect), and records the acks.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SocketModeTests extends HubIntegrationTest {

    static final String APP_TOKEN = "xapp-1-A0123-test";
    static final FakeSlackSocketServer slackSocket = new FakeSlackSocketServer();

    static {
        try {
            slackSocket.startAndWait();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Autowired
    CamelContext camel;
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    SocketModeConnections connections;
    @Autowired
    HealthEndpoint healthEndpoint;
    @Autowired
    MeterRegistry meters;
    @Autowired
    @Qualifier("slackStatus")
    IntegrationStatus slackStatus;

    @DynamicPropertySource
    static void socketMode(DynamicPropertyRegistry registry) {
        registry.add("chatops.slack.app-token", () -> APP_TOKEN);
        registry.add("chatops.slack.socket.connections", () -> "2");
        registry.add("chatops.slack.socket.check-interval", () -> "200ms");
        registry.add("chatops.slack.socket.hello-timeout", () -> "2s");
        registry.add("chatops.slack.socket.min-backoff", () -> "100ms");
        registry.add("chatops.slack.socket.max-backoff", () -> "500ms");
    }

    @AfterAll
    static void stopSocket() throws InterruptedException {
        slackSocket.stop(1000);
    }

    @BeforeEach
    void slackSocketMode() {
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/apps.connections.open"))
                .withHeader("Authorization", equalTo("Bearer " + APP_TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"url\":\"" + slackSocket.url() + "\"}")));
        await().atMost(Duration.ofSeconds(20)).until(() -> slackSocket.open.size() == 2
                && connections.openConnections() == 2);
        slackSocket.acks.clear();
    }

    @Test
    void twoConnectionsAreOpenedWithTheAppTokenAndTheStartupLineSaysSocketModeIsOn() {
        assertThat(slackSocket.open).hasSize(2);
        assertThat(slackStatus.detail()).startsWith("Socket Mode on (2 connections, no public URL needed); "
                + "/slack endpoints verify signatures; ");
        assertThat(slackStatus.mode()).isEqualTo(IntegrationStatus.Mode.CONFIGURED);
    }

    @Test
    void anEventIsAcknowledgedOnlyOnceItIsOnTheDurableQueueAndThenAnswered() throws Exception {
        camel.getRouteController().stopRoute("slack-handle-events");
        try {
            socket(0).send(FakeSlackSocketServer.envelope("events_api", "env-ev-1",
                    eventCallback("Ev0SOCK1", mention("U0ALICE", "C0123456", "1700000001.000100", "help")), 0));
            ObjectNode ack = nextAck();
            assertThat(ack.toString()).isEqualTo("{\"envelope_id\":\"env-ev-1\"}");
            // the worker is stopped: the event can only be on the queue because the hub wrote it before acking
            List<String> queued = new JmsTemplate(connectionFactory).browse("chatops.slack.events",
                    (session, browser) -> Collections.list(browser.getEnumeration()).stream()
                            .map(m -> text((Message) m)).toList());
            assertThat(queued).singleElement().satisfies(body -> assertThat(body).contains("\"event_id\":\"Ev0SOCK1\""));
        } finally {
            camel.getRouteController().startRoute("slack-handle-events");
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> posted("thread_ts", "1700000001.000100").size() == 1);
        assertThat(posted("thread_ts", "1700000001.000100")).singleElement().satisfies(reply ->
                assertThat(reply).startsWith("Here is what I can do in this channel:\n"));
    }

    @Test
    void anEventSlackDeliversAgainOnTheOtherConnectionIsDoneOnce() throws Exception {
        String event = eventCallback("Ev0SOCK2", directMessage("D0SOCK", "1700000002.000100", "once please"));
        socket(0).send(FakeSlackSocketServer.envelope("events_api", "env-ev-2a", event, 0));
        assertThat(nextAck().path("envelope_id").asText()).isEqualTo("env-ev-2a");
        socket(1).send(FakeSlackSocketServer.envelope("events_api", "env-ev-2b", event, 1));
        assertThat(nextAck().path("envelope_id").asText()).isEqualTo("env-ev-2b");
        // a later, different event is answered: by then a second answer to the first would have shown up too
        socket(0).send(FakeSlackSocketServer.envelope("events_api", "env-ev-3",
                eventCallback("Ev0SOCK3", directMessage("D0SOCK", "1700000003.000100", "marker")), 0));
        assertThat(nextAck().path("envelope_id").asText()).isEqualTo("env-ev-3");
        await().atMost(Duration.ofSeconds(15)).until(() -> posted("text", "You said: marker").size() == 1
                && posted("text", "You said: once please").size() == 1);
        assertThat(posted("text", "You said: once please")).hasSize(1);
    }

    @Test
    void anEventReceivedOverHttpAndAgainOverTheSocketIsDoneOnce() throws Exception {
        String event = eventCallback("Ev0SOCK4", directMessage("D0SOCK", "1700000004.000100", "both ways"));
        assertThat(postSlackEvent(event).statusCode()).isEqualTo(200);
        socket(1).send(FakeSlackSocketServer.envelope("events_api", "env-ev-4", event, 1));
        assertThat(nextAck().path("envelope_id").asText()).isEqualTo("env-ev-4");
        socket(1).send(FakeSlackSocketServer.envelope("events_api", "env-ev-4m",
                eventCallback("Ev0SOCK4M", directMessage("D0SOCK", "1700000004.000200", "marker 4")), 0));
        assertThat(nextAck().path("envelope_id").asText()).isEqualTo("env-ev-4m");
        await().atMost(Duration.ofSeconds(15)).until(() -> posted("text", "You said: marker 4").size() == 1
                && posted("text", "You said: both ways").size() == 1);
        assertThat(posted("text", "You said: both ways")).hasSize(1);
    }

    @Test
    void aSlashCommandIsAcknowledgedWithItsAnswerAsPayload() throws Exception {
        Map<String, String> fields = command("/test", "", "C0123456", "U0ALICE");
        socket(1).send(FakeSlackSocketServer.envelope("slash_commands", "env-cmd-1", Json.write(fields), 0));
        ObjectNode ack = nextAck();
        assertThat(ack.path("envelope_id").asText()).isEqualTo("env-cmd-1");
        assertThat(ack.path("payload").path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(ack.path("payload").path("text").asText()).isEqualTo("Pick one to see the round trip work.");
        assertThat(ack.path("payload").path("blocks").path(0).path("text").path("text").asText())
                .isEqualTo("*chatops-hub test* – pick one:");

        socket(0).send(FakeSlackSocketServer.envelope("slash_commands", "env-cmd-2", Json.write(fields), 1));
        ObjectNode again = nextAck();
        assertThat(again.path("envelope_id").asText()).isEqualTo("env-cmd-2");
        assertThat(again.path("payload").path("text").asText())
                .isEqualTo("This command was already received; it is not run twice.");
    }

    @Test
    void aButtonPressIsAcknowledgedAndHandledLikeOneOverHttp() throws Exception {
        String responseUrl = slackApi.baseUrl() + "/response/socket-press";
        String press = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ALICE\"},\"team\":{\"id\":\"T0123456\"},\"trigger_id\":\"111.222.socket\","
                + "\"container\":{\"type\":\"message\",\"message_ts\":\"1700000004.000100\",\"channel_id\":\"C0123456\"},"
                + "\"channel\":{\"id\":\"C0123456\"},\"response_url\":\"" + responseUrl + "\","
                + "\"actions\":[{\"action_id\":\"test.choose.a\",\"block_id\":\"test\",\"value\":\"a\","
                + "\"type\":\"button\",\"action_ts\":\"1700000004.000200\"}]}";
        socket(0).send(FakeSlackSocketServer.envelope("interactive", "env-int-1", press, 0));
        assertThat(nextAck().toString()).isEqualTo("{\"envelope_id\":\"env-int-1\"}");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                slackApi.verify(1, postRequestedFor(urlPathEqualTo("/response/socket-press"))));
        String answer = slackApi.findAll(postRequestedFor(urlPathEqualTo("/response/socket-press"))).get(0)
                .getBodyAsString();
        assertThat(Json.readObject(answer).path("text").asText()).isEqualTo("<@U0ALICE> chose *A*.");
    }

    @Test
    void aDisconnectMessageOpensAFreshConnectionAndEnvelopesKeepFlowing() throws Exception {
        int openedBefore = slackSocket.opened.get();
        int issuedBefore = slackApi.findAll(postRequestedFor(urlPathEqualTo("/api/apps.connections.open"))).size();
        WebSocket leaving = socket(0);
        leaving.send("{\"type\":\"disconnect\",\"reason\":\"refresh_requested\",\"debug_info\":{\"host\":\"applink-test\"}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> slackSocket.opened.get() == openedBefore + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slackSocket.open.contains(leaving)
                && slackSocket.open.size() == 2);
        slackApi.verify(issuedBefore + 1, postRequestedFor(urlPathEqualTo("/api/apps.connections.open")));
        sendOnEveryConnectionAndExpectAcks("Ev0SOCK5");
    }

    @Test
    void aConnectionLostWithoutWarningIsOpenedAgain() throws Exception {
        int openedBefore = slackSocket.opened.get();
        WebSocket lost = socket(1);
        lost.closeConnection(1006, "network gone");
        await().atMost(Duration.ofSeconds(10)).until(() -> slackSocket.opened.get() == openedBefore + 1
                && slackSocket.open.size() == 2 && connections.openConnections() == 2);
        assertThat(slackSocket.open).doesNotContain(lost);
        sendOnEveryConnectionAndExpectAcks("Ev0SOCK6");
    }

    @Test
    void whileSlackRefusesTheAppTokenHealthSaysWhyAndTheGaugeCountsNoConnection() {
        assertThat(socketHealth().getStatus()).isEqualTo(Status.UP);
        assertThat(socketHealth().getDetails()).containsEntry("open", 2L).containsEntry("connections", 2);
        assertThat(meters.get("chatops.slack.socket.connections.open").gauge().value()).isEqualTo(2.0);

        var refused = slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/apps.connections.open"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error\":\"invalid_auth\"}")));
        try {
            List.copyOf(slackSocket.open).forEach(socket -> socket.closeConnection(1006, "token revoked"));
            await().atMost(Duration.ofSeconds(10)).until(() -> socketHealth().getStatus().equals(Status.DOWN));
            assertThat(socketHealth().getDetails()).containsEntry("open", 0L).containsKey("lastOpenAt");
            assertThat(socketHealth().getDetails().get("reason").toString()).contains("invalid_auth");
            assertThat(meters.get("chatops.slack.socket.connections.open").gauge().value()).isEqualTo(0.0);
            assertThat(healthEndpoint.healthForPath("readiness").getStatus()).as("readiness is about HTTP requests")
                    .isEqualTo(Status.UP);
        } finally {
            slackApi.removeStub(refused);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> socketHealth().getStatus().equals(Status.UP));
        assertThat(socketHealth().getDetails()).doesNotContainKey("reason");
    }

    private Health socketHealth() {
        return (Health) healthEndpoint.healthForPath("socketMode");
    }

    private void sendOnEveryConnectionAndExpectAcks(String eventIdPrefix) throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            socket(i).send(FakeSlackSocketServer.envelope("events_api", "env-" + eventIdPrefix + i,
                    eventCallback(eventIdPrefix + i, directMessage("D0SOCK", "17000000" + i + "5.000100", eventIdPrefix)), 0));
            assertThat(nextAck().path("envelope_id").asText()).isEqualTo("env-" + eventIdPrefix + i);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> posted("text", "You said: " + eventIdPrefix).size() == 2);
    }

    /** The texts of the chat.postMessage calls whose form has {@code field} equal to {@code value}. */
    private static List<String> posted(String field, String value) {
        return slackApi.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).stream()
                .map(LoggedRequest::getBodyAsString).map(QueryStrings::parseSingle)
                .filter(form -> value.equals(form.get(field))).map(form -> form.get("text")).toList();
    }

    private static WebSocket socket(int index) {
        return slackSocket.open.get(index);
    }

    private static ObjectNode nextAck() throws InterruptedException {
        ObjectNode ack = slackSocket.acks.poll(15, TimeUnit.SECONDS);
        assertThat(ack).as("an ack from the hub").isNotNull();
        return ack;
    }

    private static String text(Message message) {
        try {
            return ((TextMessage) message).getText();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    static String directMessage(String channel, String ts, String text) {
        return "{\"type\":\"message\",\"channel_type\":\"im\",\"user\":\"U0ALICE\",\"text\":\"" + text + "\",\"ts\":\""
                + ts + "\",\"channel\":\"" + channel + "\",\"event_ts\":\"" + ts + "\",\"team\":\"T0123456\"}";
    }
}
