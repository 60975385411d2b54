package io.chatopshub.system.inbound;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;

import org.apache.activemq.artemis.api.core.Interceptor;
import org.apache.activemq.artemis.core.protocol.core.impl.wireformat.SessionSendMessage;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;

import io.chatopshub.HubIntegrationTest;

/**
 * The broker takes the edge's durable write but never confirms it (an interceptor on the embedded
 * broker swallows the send, as a blocked or unreachable broker would): the Slack event is answered
 * 503 within 2 s, readiness is DOWN with the reason, and the sender's retry, once the broker
 * answers again, is taken as new (the claim was released) and done exactly once.
 */
class BrokerStallTests extends HubIntegrationTest {

    @Autowired
    EmbeddedActiveMQ broker;

    @Autowired
    DurableWrites durableWrites;

    @Test
    void aWriteTheBrokerDoesNotConfirmIsAnswered503WithinTwoSecondsWithReadinessDownAndTheRetryIsDoneOnce() throws Exception {
        ActiveMQServer server = broker.getActiveMQServer();
        String warmUp = eventCallback("EvSTALL0", mention("U0ALICE", "C0123456", "1700000600.000000", "help"));
        assertThat(postSlackEvent(warmUp).statusCode()).isEqualTo(200);
        String event = eventCallback("EvSTALL1", mention("U0ALICE", "C0123456", "1700000600.000100", "help"));

        Interceptor swallowEvents = (packet, connection) -> !(packet instanceof SessionSendMessage send
                && send.getMessage().getAddress().startsWith("chatops.slack.events"));
        server.getRemotingService().addIncomingInterceptor(swallowEvents);
        try {
            long start = System.nanoTime();
            var answer = postSlackEvent(event);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("\"error\"").doesNotContain("Exception");

            assertThat(readiness().statusCode()).isEqualTo(503);
            var health = durableWrites.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(String.valueOf(health.getDetails().get("reason"))).startsWith("the broker did not confirm a durable write");
        } finally {
            server.getRemotingService().removeIncomingInterceptor(swallowEvents);
        }

        var retry = new LinkedHashMap<>(slackHeaders(event));
        retry.put("X-Slack-Retry-Num", "1");
        assertThat(post("/slack/events", "application/json", event, retry).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(readiness().statusCode()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(slackApi.findAll(
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).stream()
                .filter(r -> r.getBodyAsString().contains("1700000600.000100")).count()).isEqualTo(1));
        var again = new LinkedHashMap<>(slackHeaders(event));
        again.put("X-Slack-Retry-Num", "2");
        assertThat(post("/slack/events", "application/json", event, again).statusCode()).isEqualTo(200);
        assertThat(slackApi.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).stream()
                .filter(r -> r.getBodyAsString().contains("1700000600.000100")).count()).isEqualTo(1);
    }

    private HttpResponse<String> readiness() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
