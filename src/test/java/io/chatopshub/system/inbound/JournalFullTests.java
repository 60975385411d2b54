package io.chatopshub.system.inbound;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.files.FileStoreMonitor;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.automation.AzureStubs;
import io.chatopshub.automation.JobNames;

/**
 * The embedded broker's journal disk counts as full (its max-disk-usage is lowered below what the
 * disk uses): a Slack event and a /runbook are answered 503 within 2 s, readiness is DOWN with the
 * reason, and once there is room again the sender's retry is taken as new and done exactly once.
 */
class JournalFullTests extends HubIntegrationTest {

    @RegisterExtension
    static final AzureStubs azure = new AzureStubs();

    @Autowired
    EmbeddedActiveMQ broker;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        azure.properties("300ms", "2s").forEach((key, value) -> registry.add(key, () -> value));
        registry.add("chatops.broker.disk-scan-period", () -> "200ms");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aFullJournalDiskIsAnswered503WithReadinessDownAndTheRetryIsDoneOnce(CapturedOutput output) throws Exception {
        var server = (ActiveMQServerImpl) broker.getActiveMQServer();
        FileStoreMonitor monitor = server.getMonitor();
        double limit = monitor.getMaxUsage();
        String event = eventCallback("EvJOURNAL1", mention("U0ALICE", "C0123456", "1700000500.000100", "help"));
        var refusedRun = command("/runbook", "Restart-WebApp AppName=api", AzureStubs.OPS, "U0ALICE");
        var retriedRun = command("/runbook", "Restart-WebApp AppName=api", AzureStubs.OPS, "U0ALICE");
        azure.jobGoesThrough(JobNames.fromTriggerId(retriedRun.get("trigger_id")), List.of("Completed"), "done");

        monitor.setMaxUsage(0);
        monitor.tick();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.getPagingManager().isDiskFull());
        try {
            long start = System.nanoTime();
            var eventAnswer = postSlackEvent(event);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(eventAnswer.statusCode()).isEqualTo(503);
            assertThat(eventAnswer.body()).contains("\"error\"");

            start = System.nanoTime();
            var runAnswer = postSlackCommand(refusedRun);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(runAnswer.statusCode()).isEqualTo(503);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var readiness = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(readiness.statusCode()).isEqualTo(503);
            });
        } finally {
            monitor.setMaxUsage(limit);
            monitor.tick();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !server.getPagingManager().isDiskFull());

        var retryHeaders = new LinkedHashMap<>(slackHeaders(event));
        retryHeaders.put("X-Slack-Retry-Num", "1");
        assertThat(post("/slack/events", "application/json", event, retryHeaders).statusCode()).isEqualTo(200);
        var again = new LinkedHashMap<>(slackHeaders(event));
        again.put("X-Slack-Retry-Num", "2");
        assertThat(post("/slack/events", "application/json", event, again).statusCode()).isEqualTo(200);
        assertThat(postSlackCommand(retriedRun).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> azure.arm.verify(1,
                putRequestedFor(urlEqualTo(AzureStubs.jobUrl(JobNames.fromTriggerId(retriedRun.get("trigger_id")))))));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(slackApi.findAll(
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).stream()
                .filter(r -> r.getBodyAsString().contains("1700000500.000100")).count()).isEqualTo(1));
        azure.arm.verify(0, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(JobNames.fromTriggerId(refusedRun.get("trigger_id"))))));
        // the refusals are the documented answer to a full disk: a warning each, no error with the broker's stack trace
        assertThat(output.getOut()).contains("the broker refused it, its journal disk or memory is full (")
                .doesNotContainPattern("ERROR .*InboundErrors");
    }
}
