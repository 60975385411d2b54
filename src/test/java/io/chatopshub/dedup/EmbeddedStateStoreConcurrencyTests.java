package io.chatopshub.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatopshub.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's promise under concurrency, with commits shared between callers: whatever a call
 * reported as done is in the file when it returns (the file copied at that moment, as a killed
 * process leaves it, holds it), and compare-and-set keeps exactly one winner.
 */
class EmbeddedStateStoreConcurrencyTests {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));

    @Test
    void everyClaimThatReturnedIsInTheFileWithoutAClose() throws Exception {
        Path file = dir.resolve("state.mv.db");
        var store = new EmbeddedStateStore(file, clock);
        var pool = Executors.newFixedThreadPool(16);
        var start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                start.await();
                int won = 0;
                for (int i = 0; i < 200; i++) {
                    if (store.claim("dedup:t" + thread + ":" + i, "v" + i, Duration.ofHours(1))) {
                        won++;
                    }
                }
                return won;
            }));
        }
        start.countDown();
        int won = 0;
        for (Future<Integer> result : results) {
            won += result.get();
        }
        pool.shutdownNow();
        assertThat(won).isEqualTo(16 * 200);

        // what a SIGKILL leaves behind: the file as it is now, the store never closed
        Path copy = dir.resolve("copy.mv.db");
        Files.copy(file, copy);
        try (var reopened = new EmbeddedStateStore(copy, clock)) {
            for (int t = 0; t < 16; t++) {
                for (int i = 0; i < 200; i++) {
                    assertThat(reopened.get("dedup:t" + t + ":" + i)).as("t%d:%d", t, i).contains("v" + i);
                }
            }
        }
        store.close();
    }

    @Test
    void concurrentReplacesOfOneValueHaveExactlyOneWinnerAndExpiredKeysOneClaimer() throws Exception {
        try (var store = new EmbeddedStateStore(dir.resolve("r.mv.db"), clock)) {
            var pool = Executors.newFixedThreadPool(8);
            for (int round = 0; round < 30; round++) {
                String key = "cas-" + round;
                store.put(key, "open", Duration.ofMinutes(5));
                store.put("expired-" + round, "old", Duration.ofMillis(1));
                clock.advance(Duration.ofMillis(2));
                var winners = ConcurrentHashMap.<String>newKeySet();
                var claimers = ConcurrentHashMap.<String>newKeySet();
                var start = new CountDownLatch(1);
                List<Callable<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    String me = "t" + t;
                    int r = round;
                    tasks.add(() -> {
                        start.await();
                        if (store.replace(key, "open", "closed-by-" + me, Duration.ofMinutes(5))) {
                            winners.add(me);
                        }
                        if (store.claim("expired-" + r, me, Duration.ofMinutes(5))) {
                            claimers.add(me);
                        }
                        return null;
                    });
                }
                var futures = tasks.stream().map(pool::submit).toList();
                start.countDown();
                for (var f : futures) {
                    f.get();
                }
                assertThat(winners).hasSize(1);
                assertThat(store.get(key)).contains("closed-by-" + winners.iterator().next());
                assertThat(claimers).hasSize(1);
                assertThat(store.get("expired-" + round)).contains(claimers.iterator().next());
            }
            pool.shutdownNow();
        }
    }
}
