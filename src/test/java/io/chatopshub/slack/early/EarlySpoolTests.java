package io.chatopshub.slack.early;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.chatopshub.slack.socket.EnvelopeKind;

class EarlySpoolTests {

    @TempDir
    Path dataDir;

    @Test
    void deliveriesComeBackOldestFirstOncePerIdAndGoWhenRemoved() throws Exception {
        EarlySpool spool = new EarlySpool(dataDir);
        Instant t0 = Instant.parse("2026-12-07T08:00:00Z");
        assertThat(spool.write(EnvelopeKind.EVENTS_API, "slack:event:B", "{\"b\":1}", t0.plusSeconds(2))).isTrue();
        assertThat(spool.write(EnvelopeKind.SLASH_COMMANDS, "slack:command:A", "{\"a\":1}", t0)).isTrue();
        assertThat(spool.write(EnvelopeKind.EVENTS_API, "slack:event:B", "{\"b\":2}", t0.plusSeconds(3))).isFalse();

        var waiting = spool.waiting();
        assertThat(waiting).extracting(EarlySpool.Entry::deliveryId).containsExactly("slack:command:A", "slack:event:B");
        assertThat(waiting.get(1).payload()).isEqualTo("{\"b\":1}");
        spool.remove(waiting.get(0));
        assertThat(new EarlySpool(dataDir).waiting()).extracting(EarlySpool.Entry::deliveryId).containsExactly("slack:event:B");
    }

    @Test
    void aHalfWrittenFileIsRemovedAndAStrangeOneIsSetAsideNotLost() throws Exception {
        EarlySpool spool = new EarlySpool(dataDir);
        spool.write(EnvelopeKind.EVENTS_API, "slack:event:C", "{}", Instant.now());
        Files.writeString(spool.folder().resolve(".incoming-0b1d"), "{\"kind\":\"EVEN");
        Files.writeString(spool.folder().resolve("put-here-by-hand.json"), "not a record");

        assertThat(spool.waiting()).extracting(EarlySpool.Entry::deliveryId).containsExactly("slack:event:C");
        assertThat(spool.folder().resolve(".incoming-0b1d")).doesNotExist();
        assertThat(spool.folder().resolve("put-here-by-hand.json.unreadable")).exists();
    }
}
