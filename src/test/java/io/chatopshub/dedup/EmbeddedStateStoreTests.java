package io.chatopshub.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatopshub.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStateStoreTests {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));

    @Test
    void aClaimedKeyIsClaimedOnceAndSurvivesAReopen() {
        Path file = dir.resolve("state.mv.db");
        try (var store = new EmbeddedStateStore(file, clock)) {
            assertThat(store.claim("dedup:slack:event:Ev1", "1", Duration.ofHours(24))).isTrue();
            assertThat(store.claim("dedup:slack:event:Ev1", "2", Duration.ofHours(24))).isFalse();
        }
        try (var reopened = new EmbeddedStateStore(file, clock)) {
            assertThat(reopened.claim("dedup:slack:event:Ev1", "3", Duration.ofHours(24))).isFalse();
            assertThat(reopened.get("dedup:slack:event:Ev1")).contains("1");
        }
    }

    @Test
    void anExpiredKeyIsAbsentCanBeClaimedAgainAndIsSwept() {
        try (var store = new EmbeddedStateStore(dir.resolve("s.mv.db"), clock)) {
            store.claim("k", "first", Duration.ofMinutes(10));
            clock.advance(Duration.ofMinutes(10));
            assertThat(store.get("k")).isEmpty();
            assertThat(store.claim("k", "second", Duration.ofMinutes(10))).isTrue();
            assertThat(store.get("k")).contains("second");
            store.put("old", "x", Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            assertThat(store.sweep()).isEqualTo(1);
            assertThat(store.size()).isEqualTo(1);
        }
    }

    @Test
    void replaceIsCompareAndSetAndRemoveReportsLiveEntries() {
        try (var store = new EmbeddedStateStore(dir.resolve("r.mv.db"), clock)) {
            store.put("k", "creating", Duration.ofMinutes(5));
            assertThat(store.replace("k", "other", "X-1", Duration.ofHours(1))).isFalse();
            assertThat(store.replace("k", "creating", "X-1", Duration.ofHours(1))).isTrue();
            assertThat(store.get("k")).contains("X-1");
            assertThat(store.remove("k")).isTrue();
            assertThat(store.remove("k")).isFalse();
        }
    }

    @Test
    void concurrentClaimsOfOneKeyHaveExactlyOneWinner() throws Exception {
        try (var store = new EmbeddedStateStore(dir.resolve("c.mv.db"), clock)) {
            var pool = Executors.newFixedThreadPool(8);
            for (int round = 0; round < 50; round++) {
                String key = "race-" + round;
                var start = new CountDownLatch(1);
                var wins = new AtomicInteger();
                var done = new CountDownLatch(8);
                for (int t = 0; t < 8; t++) {
                    pool.submit(() -> {
                        try {
                            start.await();
                            if (store.claim(key, "v", Duration.ofMinutes(1))) {
                                wins.incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    });
                }
                start.countDown();
                done.await();
                assertThat(wins.get()).as("winners of %s", key).isEqualTo(1);
            }
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimIsWrittenOnlyWhenConfirmedSoOneThatDiedWithTheProcessLeavesNothing() {
        try (var store = new EmbeddedStateStore(dir.resolve("c.mv.db"), clock)) {
            var repository = new DeliveryIdRepository(store, Duration.ofHours(24), clock);
            assertThat(repository.add("slack:event:Ev7")).isTrue();
            assertThat(repository.add("slack:event:Ev7")).as("a concurrent copy while the first is pending").isFalse();
            assertThat(store.get("dedup:slack:event:Ev7")).as("nothing written for a pending claim").isEmpty();
            var restarted = new DeliveryIdRepository(store, Duration.ofHours(24), clock);
            assertThat(restarted.add("slack:event:Ev7")).as("the retry after a restart is taken as new").isTrue();
            assertThat(restarted.confirm("slack:event:Ev7")).isTrue();
            assertThat(store.get("dedup:slack:event:Ev7")).contains("done");
            assertThat(new DeliveryIdRepository(store, Duration.ofHours(24), clock).add("slack:event:Ev7"))
                    .as("a confirmed delivery after a restart").isFalse();
        }
    }

    @Test
    void writeBehindConfirmationsAreDuplicatesAtOnceAndReachTheStoreWithoutTheCaller() {
        try (var store = new EmbeddedStateStore(dir.resolve("w.mv.db"), clock)) {
            var repository = new DeliveryIdRepository(store, Duration.ofHours(24), clock, true);
            for (int i = 0; i < 200; i++) {
                assertThat(repository.add("mackerel:" + i)).isTrue();
                assertThat(repository.confirm("mackerel:" + i)).isTrue();
                assertThat(repository.add("mackerel:" + i)).as("a copy right after the confirmation").isFalse();
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> repository.unwrittenCount() == 0);
            for (int i = 0; i < 200; i++) {
                assertThat(store.get("dedup:mackerel:" + i)).as("written: mackerel:%d", i).contains("done");
            }
            var restarted = new DeliveryIdRepository(store, Duration.ofHours(24), clock, true);
            assertThat(restarted.add("mackerel:7")).as("after a restart, from the store").isFalse();
        }
    }

    @Test
    void stoppingWritesWhatIsLeft() throws Exception {
        try (var store = new EmbeddedStateStore(dir.resolve("s.mv.db"), clock)) {
            var repository = new DeliveryIdRepository(store, Duration.ofHours(24), clock, true);
            repository.start();
            for (int i = 0; i < 50; i++) {
                repository.add("gitlab:" + i);
                repository.confirm("gitlab:" + i);
            }
            repository.stop();
            assertThat(repository.unwrittenCount()).isZero();
            assertThat(store.get("dedup:gitlab:49")).contains("done");
        }
    }

    /**
     * Compaction moves live pages and drops the old chunks; a claim or a read running meanwhile
     * must not land on a dropped chunk ("Chunk … not found" was a 503 under load).
     */
    @Test
    void claimsAndReadsWhileTheSweepCompactsTheFileAllSucceed() throws Exception {
        long compactAbove = 8L << 20;
        try (var store = new EmbeddedStateStore(dir.resolve("c.mv.db"), clock, compactAbove)) {
            int n = 0;
            while (store.fileSize() <= compactAbove) {
                store.put("alerts:state:" + (n++ % 500), "open|" + n, Duration.ofHours(1));
            }
            var failures = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
            var done = new java.util.concurrent.atomic.AtomicBoolean();
            var operations = new java.util.concurrent.atomic.AtomicLong();
            java.util.List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int worker = t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; !done.get(); i++) {
                        try {
                            store.get("alerts:state:" + (i % 500));
                            if (worker == 0) {
                                store.claim("dedup:slack:command:" + i, "done", Duration.ofHours(1));
                            }
                            operations.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            org.awaitility.Awaitility.await().until(() -> operations.get() > 1_000);
            for (int round = 0; round < 5; round++) {
                while (store.fileSize() <= compactAbove) {
                    store.put("alerts:state:" + (n++ % 500), "open|" + n, Duration.ofHours(1));
                }
                store.sweep();
            }
            done.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).as("failures while compacting").isEmpty();
            assertThat(store.size()).isGreaterThanOrEqualTo(500);
        }
    }

    @Test
    void theSweepGivesBackTheFileABusyPeriodGrew() {
        try (var store = new EmbeddedStateStore(dir.resolve("g.mv.db"), clock)) {
            int i = 0;
            while (store.fileSize() <= EmbeddedStateStore.COMPACT_ABOVE) {
                store.put("alerts:state:" + (i++ % 500), "open|" + i, Duration.ofHours(1));
            }
            long grown = store.fileSize();
            store.sweep();
            assertThat(store.fileSize()).as("file after the sweep (was %d bytes)", grown).isLessThan(grown / 4);
            assertThat(store.get("alerts:state:7")).isPresent();
            assertThat(store.size()).isEqualTo(500);
        }
    }

    @Test
    void theDeliveryIdRepositoryAcceptsAKeyOnce() {
        try (var store = new EmbeddedStateStore(dir.resolve("d.mv.db"), clock)) {
            var repository = new DeliveryIdRepository(store, Duration.ofHours(24), clock);
            assertThat(repository.add("slack:event:Ev9")).isTrue();
            assertThat(repository.contains("slack:event:Ev9")).isTrue();
            assertThat(repository.add("slack:event:Ev9")).isFalse();
            clock.advance(Duration.ofMinutes(1));
            assertThat(repository.add("slack:event:Ev9")).as("a stale pending claim is taken over").isTrue();
            assertThat(repository.confirm("slack:event:Ev9")).isTrue();
            clock.advance(Duration.ofMinutes(1));
            assertThat(repository.add("slack:event:Ev9")).as("a confirmed delivery stays a duplicate").isFalse();
            assertThat(repository.remove("slack:event:Ev9")).isTrue();
            assertThat(repository.add("slack:event:Ev9")).isTrue();
            assertThat(Files.exists(dir.resolve("d.mv.db"))).isTrue();
        }
    }
}
