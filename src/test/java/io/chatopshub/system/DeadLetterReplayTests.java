package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;

/**
 * Messages shaped like each kind the hub queues (a runbook start and an approval expiry with a
 * duplicate-detection id, a delayed poll with one, an alert without) fail, are parked, and are
 * processed exactly once when replayed, on the real embedded broker: a message that kept its
 * duplicate-detection id would be dropped by the broker on replay.
 */
class DeadLetterReplayTests extends HubIntegrationTest {

    @Autowired
    DeadLetterQueue deadLetters;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    ReplayProbe probe;

    @DynamicPropertySource
    static void probeRoute(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern",
                () -> "file:routes/**/*.camel.yaml,file:src/test/resources/failure-test-routes/replay-probe.camel.yaml");
    }

    @Test
    void everyKindOfMessageIsProcessedOnceWhenReplayed() {
        deadLetters.purge();
        probe.broken = true;
        var jms = new JmsTemplate(connectionFactory);
        long due = System.currentTimeMillis() + 200;
        send(jms, "start", Map.of("_AMQ_DUPL_ID", "runbook:start:R1", "ChatopsRunbookStep", "start", "ChatopsRunbookRequestId", "R1"));
        send(jms, "poll", Map.of("_AMQ_DUPL_ID", "runbook:poll:job-1:3", "_AMQ_SCHED_DELIVERY", due, "ChatopsJobName", "job-1"));
        send(jms, "expiry", Map.of("_AMQ_DUPL_ID", "runbook:expire:R1", "ChatopsRunbookRequestId", "R1"));
        send(jms, "alert", Map.of("ChatopsDeliveryId", "mackerel:2bj1:critical:1700000000"));

        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters.getDepth() == 4);
        assertThat(deadLetters.entries(10)).allSatisfy(e -> {
            assertThat(e.origin()).isEqualTo("chatops.test.replay");
            assertThat(e.reason()).isEqualTo("PermanentFailureException: the cause is not fixed yet");
        });

        probe.broken = false;
        for (DeadLetterQueue.Entry entry : deadLetters.entries(10)) {
            assertThat(deadLetters.replay(entry.id(), "U0OPS")).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> probe.done.size() == 4);
        assertThat(probe.done).containsExactlyInAnyOrder("start by U0OPS", "poll by U0OPS", "expiry by U0OPS", "alert by U0OPS");
        assertThat(deadLetters.getDepth()).isZero();
        assertThat(deadLetters.replay("DLQ-00000000", "U0OPS")).as("an unknown id replays nothing").isZero();
        assertThat(probe.done).hasSize(4);
    }

    private static void send(JmsTemplate jms, String body, Map<String, Object> properties) {
        jms.send("chatops.test.replay", session -> {
            var message = session.createTextMessage(body);
            for (var p : properties.entrySet()) {
                message.setObjectProperty(p.getKey(), p.getValue());
            }
            return message;
        });
    }

    /** The test's worker: refuses while the cause is "not fixed", then records each message once. */
    static class ReplayProbe {
        volatile boolean broken = true;
        final List<String> done = new CopyOnWriteArrayList<>();

        public void handle(Exchange exchange) {
            if (broken) {
                throw new PermanentFailureException("test", "the cause is not fixed yet");
            }
            done.add(exchange.getIn().getBody(String.class) + " by " + exchange.getIn().getHeader(DeadLetterQueue.REPLAYED_BY));
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Probe {
        @Bean
        ReplayProbe replayProbe() {
            return new ReplayProbe();
        }
    }
}
