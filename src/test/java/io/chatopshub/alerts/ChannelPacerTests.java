package io.chatopshub.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.HubInstance;
import io.chatopshub.testing.MemoryStateStore;
import org.junit.jupiter.api.Test;

class ChannelPacerTests {

    private static final long SPACING = 150;
    /** Looks by a waiting caller (every 50 ms) that make a call last longer than the spacing. */
    private static final int LONG_CALL_LOOKS = 5;

    private record Call(String channel, long start, long end) {
    }

    @Test
    void concurrentCallersOfOneChannelNeverComeCloserThanTheSpacingEvenWhenACallTakesLong() throws Exception {
        var store = new LeaseLooks(new MemoryStateStore(Clock.systemUTC()));
        var pacer = new ChannelPacer(store, Clock.systemUTC(), Duration.ofMillis(SPACING));
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        var start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                start.await();
                return pacer.run("C1", () -> {
                    long begin = System.currentTimeMillis();
                    if (n % 3 == 0) {
                        // a long call: it lasts until one other caller has found the channel busy
                        // LONG_CALL_LOOKS times (it looks every 50 ms, so it has waited longer than
                        // the spacing for this call), or no other call is left
                        Map<Long, Integer> before = store.busyLooks();
                        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                                .until(() -> LeaseLooks.mostSince(before, store.busyLooks()) >= LONG_CALL_LOOKS
                                        || calls.size() == 11);
                    }
                    calls.add(new Call("C1", begin, System.currentTimeMillis()));
                    return null;
                });
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<Call> ordered = calls.stream().sorted(Comparator.comparingLong(Call::start)).toList();
        assertThat(ordered).hasSize(12);
        for (int i = 1; i < ordered.size(); i++) {
            assertThat(ordered.get(i).start() - ordered.get(i - 1).end()).isGreaterThanOrEqualTo(SPACING);
        }
    }

    @Test
    void leaseLeftByAnEarlierRunOfThisInstanceIsTakenOverWithoutWaitingForItsExpiry() {
        var store = new MemoryStateStore(Clock.systemUTC());
        store.claim("alerts:pace:C1", "busy|node-1/life-1|call-that-died", ChannelPacer.LEASE);
        var restarted = new ChannelPacer(store, Clock.systemUTC(), Duration.ofMillis(SPACING), new HubInstance("node-1", "life-2"));

        long begin = System.currentTimeMillis();
        assertThat(restarted.run("C1", () -> "posted")).isEqualTo("posted");

        assertThat(System.currentTimeMillis() - begin).isLessThan(ChannelPacer.LEASE.toMillis() / 10);
        assertThat(store.get("alerts:pace:C1")).hasValueSatisfying(v -> assertThat(v).startsWith("idle|"));
    }

    @Test
    void leaseOfAnotherInstanceIsWaitedFor() {
        var store = new MemoryStateStore(Clock.systemUTC());
        store.claim("alerts:pace:C1", "busy|node-2/life-1|call-in-flight", Duration.ofMillis(400));
        var pacer = new ChannelPacer(store, Clock.systemUTC(), Duration.ofMillis(SPACING), new HubInstance("node-1", "life-2"));

        long begin = System.currentTimeMillis();
        pacer.run("C1", () -> null);

        assertThat(System.currentTimeMillis() - begin).isGreaterThanOrEqualTo(400);
    }

    @Test
    void channelsArePacedIndependentlyAndAFailedCallStillCountsAsACall() throws Exception {
        var store = new MemoryStateStore(Clock.systemUTC());
        var pacer = new ChannelPacer(store, Clock.systemUTC(), Duration.ofMillis(1000));
        long t0 = System.currentTimeMillis();
        pacer.run("C1", () -> null);
        pacer.run("C2", () -> null);
        assertThat(System.currentTimeMillis() - t0).isLessThan(900);

        try {
            pacer.run("C3", () -> {
                throw new IllegalStateException("Slack said no");
            });
        } catch (IllegalStateException expected) {
            // the call was made; the next one waits its turn
        }
        long failedAt = System.currentTimeMillis();
        long[] nextAt = new long[1];
        pacer.run("C3", () -> nextAt[0] = System.currentTimeMillis());
        assertThat(nextAt[0] - failedAt).isGreaterThanOrEqualTo(990);
    }

    /** A store that counts how often a caller found the channel's lease held by another call. */
    private static final class LeaseLooks implements StateStore {

        private final StateStore store;
        private final Map<Long, Integer> busyLooks = new ConcurrentHashMap<>();

        LeaseLooks(StateStore store) {
            this.store = store;
        }

        /** Per calling thread, how often it found the lease busy so far. */
        Map<Long, Integer> busyLooks() {
            return Map.copyOf(busyLooks);
        }

        /** The most looks one thread made between {@code before} and {@code now}. */
        static int mostSince(Map<Long, Integer> before, Map<Long, Integer> now) {
            return now.entrySet().stream().mapToInt(e -> e.getValue() - before.getOrDefault(e.getKey(), 0)).max().orElse(0);
        }

        @Override
        public boolean claim(String key, String value, Duration ttl) {
            return store.claim(key, value, ttl);
        }

        @Override
        public Optional<String> get(String key) {
            Optional<String> value = store.get(key);
            if (value.filter(v -> v.startsWith("busy|")).isPresent()) {
                busyLooks.merge(Thread.currentThread().getId(), 1, Integer::sum);
            }
            return value;
        }

        @Override
        public void put(String key, String value, Duration ttl) {
            store.put(key, value, ttl);
        }

        @Override
        public boolean replace(String key, String expected, String value, Duration ttl) {
            return store.replace(key, expected, value, ttl);
        }

        @Override
        public boolean remove(String key) {
            return store.remove(key);
        }

        @Override
        public boolean isReachable() {
            return store.isReachable();
        }
    }
}
