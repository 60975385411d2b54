package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TrackedJobTests {

    private final RunbookRequest request = RunbookRequest.fromTrigger("1.2.3", "Restart-WebApp", Map.of("AppName", "web"),
            "T1", "C1", "U0ALICE", Instant.parse("2024-05-01T10:00:00Z"));

    @Test
    void anEntryWrittenBeforeCancelExistedReadsAndWritesBackUnchanged() {
        TrackedJob tracking = TrackedJob.posting(request, "ID:1", Instant.parse("2024-05-01T10:00:01Z"), null)
                .posted("C1", "1700000000.000100", "New", Instant.parse("2024-05-01T10:00:02Z"))
                .tracking("Running", Instant.parse("2024-05-01T10:00:03Z"));
        String written = StateJson.write(tracking);

        assertThat(written).doesNotContain("stoppedBy", "stopSent");
        assertThat(StateJson.write(StateJson.read(written, TrackedJob.class))).isEqualTo(written);
    }

    @Test
    void aStopIsRecordedBeforeAndAfterAzureAcceptsIt() {
        TrackedJob tracking = TrackedJob.posting(request, "ID:1", Instant.now(), null)
                .posted("C1", "1.1", "New", Instant.now()).tracking("Running", Instant.now());

        TrackedJob stopping = StateJson.read(StateJson.write(tracking.stopping("U0ALICE")), TrackedJob.class);
        TrackedJob stopped = StateJson.read(StateJson.write(stopping.stopped()), TrackedJob.class);

        assertThat(tracking.cancellable()).isTrue();
        assertThat(stopping.stoppedBy()).isEqualTo("U0ALICE");
        assertThat(stopping.stopSent()).isFalse();
        assertThat(stopping.cancellable()).isFalse();
        assertThat(stopped.stopSent()).isTrue();
        assertThat(stopped.polled("Stopped").stoppedBy()).isEqualTo("U0ALICE");
    }
}
