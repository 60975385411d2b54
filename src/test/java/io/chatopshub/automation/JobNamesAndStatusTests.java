package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class JobNamesAndStatusTests {

    @Test
    void theSameTriggerAlwaysNamesTheSameJob() {
        String first = JobNames.fromTriggerId("13345224609.738474920.8088930838d88f008e0");

        assertThat(JobNames.fromTriggerId("13345224609.738474920.8088930838d88f008e0")).isEqualTo(first);
        assertThat(JobNames.fromTriggerId("13345224609.738474920.8088930838d88f008e1")).isNotEqualTo(first);
        assertThat(UUID.fromString(first).version()).isEqualTo(3);
    }

    @Test
    void aMissingTriggerIsRefused() {
        assertThatThrownBy(() -> JobNames.fromTriggerId(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyCompletedFailedAndStoppedAreFinal() {
        assertThat(JobStatus.values()).filteredOn(JobStatus::isFinal)
                .containsExactlyInAnyOrder(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED);
        assertThat(JobStatus.values()).filteredOn(JobStatus::needsPerson)
                .containsExactlyInAnyOrder(JobStatus.SUSPENDED, JobStatus.BLOCKED, JobStatus.DISCONNECTED);
    }

    @Test
    void azureSpellingsAreRead() {
        for (String name : new String[] {"New", "Activating", "Running", "Completed", "Failed", "Stopped", "Blocked",
                "Suspended", "Disconnected", "Suspending", "Stopping", "Resuming", "Removing"}) {
            assertThat(JobStatus.of(name).azureName()).isEqualTo(name);
        }
        assertThat(JobStatus.of("running")).isEqualTo(JobStatus.RUNNING);
        assertThat(JobStatus.of(null)).isEqualTo(JobStatus.UNKNOWN);
        assertThat(JobStatus.COMPLETED.emoji()).isEqualTo(":white_check_mark:");
    }
}
