package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;

class OutboundMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OutboundMetrics metrics = new OutboundMetrics(registry);

    @Test
    void aTimedCallIsRecordedWithItsIntegrationOperationAndOutcome() {
        String answer = metrics.time("gitlab", "trigger", () -> "pipeline 42");

        assertThat(answer).isEqualTo("pipeline 42");
        assertThat(registry.get(OutboundMetrics.CALLS).tags("integration", "gitlab", "operation", "trigger",
                "outcome", "success").timer().count()).isEqualTo(1);
    }

    @Test
    void aFailedCallIsRecordedByHowTheRetryLogicTreatsItAndTheExceptionIsRethrown() {
        assertThatThrownBy(() -> metrics.time("backlog", "issues.create", () -> {
            throw new TransientFailureException("503", (Duration) null);
        })).isInstanceOf(TransientFailureException.class);
        assertThatThrownBy(() -> metrics.time("backlog", "issues.create", () -> {
            throw new PermanentFailureException("bad", "400");
        })).isInstanceOf(PermanentFailureException.class);
        assertThatThrownBy(() -> metrics.<String, IOException>time("azure", "jobs.get", () -> {
            throw new IOException("reset");
        })).isInstanceOf(IOException.class);

        assertThat(registry.get(OutboundMetrics.CALLS).tags("outcome", OutboundMetrics.TRANSIENT).timer().count()).isEqualTo(1);
        assertThat(registry.get(OutboundMetrics.CALLS).tags("outcome", OutboundMetrics.PERMANENT).timer().count()).isEqualTo(1);
        assertThat(registry.get(OutboundMetrics.CALLS).tags("integration", "azure", "outcome", OutboundMetrics.IO_ERROR)
                .timer().count()).isEqualTo(1);
    }

    @Test
    void httpStatusesAndRateLimitsAreRecorded() {
        metrics.record("slack", "response_url", OutboundMetrics.outcomeOf(503), Duration.ofMillis(40));
        metrics.rateLimited("slack", "chat.update");
        metrics.rateLimited("slack", "chat.update");

        assertThat(OutboundMetrics.outcomeOf(204)).isEqualTo("success");
        assertThat(registry.get(OutboundMetrics.CALLS).tags("outcome", "http_5xx").timer().totalTime(
                java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(40.0);
        assertThat(registry.get(OutboundMetrics.RATE_LIMITED).tags("operation", "chat.update").counter().count()).isEqualTo(2.0);
    }
}
