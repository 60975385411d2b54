package io.chatopshub.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import io.chatopshub.HubIntegrationTest;

/**
 * The queue workers start after the hub is ready; a request that arrives before they run is
 * accepted (durably queued) and done once they start.
 */
class WorkerStartupTests extends HubIntegrationTest {

    static final AtomicReference<ServiceStatus> workerWhenAccepted = new AtomicReference<>();
    static final AtomicReference<Integer> answerBeforeWorkers = new AtomicReference<>();

    @Autowired
    CamelContext camel;

    @Autowired
    WorkerStartup workers;

    /** Runs before WorkerStartup: sends a direct message while the workers are still stopped. */
    @TestConfiguration
    static class EarlyRequest {
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        ApplicationListener<ApplicationReadyEvent> requestBeforeWorkers(CamelContext camel) {
            return event -> {
                slackApi.resetAll();
                slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"channel\":\"D0EARLY\",\"ts\":\"1700000000.000200\"}")));
                workerWhenAccepted.set(camel.getRouteController().getRouteStatus("slack-handle-events"));
                String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port");
                String body = eventCallback("Ev0EARLY", "{\"type\":\"message\",\"channel_type\":\"im\",\"channel\":\"D0EARLY\","
                        + "\"user\":\"U0ALICE\",\"text\":\"before the workers\",\"ts\":\"1700000000.000100\"}");
                try {
                    var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/slack/events"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                    slackHeaders(body).forEach(request::header);
                    answerBeforeWorkers.set(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
        }
    }

    /** The stubs are laid by the early request itself; resetting them here would lose its reply. */
    @Override
    protected void resetSlack() {
    }

    @Test
    void anEventAcceptedBeforeTheWorkersStartIsDoneOnceTheyRun() {
        assertThat(workerWhenAccepted.get()).isEqualTo(ServiceStatus.Stopped);
        assertThat(answerBeforeWorkers.get()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo("D0EARLY"))));
        assertThat(camel.getRouteController().getRouteStatus("slack-handle-events")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void everyQueueConsumerIsDeferredAndNoEdgeRouteIs() {
        assertThat(workers.deferredRoutes()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getEndpoint().getEndpointUri()).startsWith("jms:"));
        assertThat(workers.deferredRoutes()).noneMatch(r -> r.getEndpoint().getEndpointUri().startsWith("servlet:"));
    }
}
