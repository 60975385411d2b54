package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubInstanceTests {

    @TempDir
    Path dataDir;

    @Test
    void aRestartOnTheSameDataDirectoryIsTheSameInstanceInALaterLife() throws Exception {
        HubInstance first = HubInstance.of(dataDir);
        HubInstance second = HubInstance.of(dataDir);

        assertThat(Files.readString(dataDir.resolve("instance-id")).strip()).isEqualTo(first.owner().split("/")[0]);
        assertThat(second.owner()).isNotEqualTo(first.owner());
        assertThat(second.isEarlierLife(first.owner())).isTrue();
        assertThat(second.isEarlierLife(second.owner())).isFalse();
    }

    @Test
    void anotherDataDirectoryIsAnotherInstanceWhoseLeasesAreNeverTakenOver(@TempDir Path otherDir) {
        HubInstance one = HubInstance.of(dataDir);
        HubInstance other = HubInstance.of(otherDir);

        assertThat(one.isEarlierLife(other.owner())).isFalse();
        assertThat(one.isEarlierLife(null)).isFalse();
        assertThat(new HubInstance("node-1", "b").isEarlierLife("node-10/a")).isFalse();
    }

    @Test
    void namesThatWouldBreakALeaseValueAreRefused() {
        assertThatThrownBy(() -> new HubInstance("a|b", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HubInstance("a", "c/d")).isInstanceOf(IllegalArgumentException.class);
    }
}
