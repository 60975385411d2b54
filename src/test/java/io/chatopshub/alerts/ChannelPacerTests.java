package io.chatopshub.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.HubInstance;
import io.chatopshub.testing.MemoryStateStore;
import org.junit.jupiter.api.Test;

class ChannelPacerTests {

    private static final long SPACING = 150;

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
                        // a long call: it lasts until another caller has found the channel busy and
                        // looked again (it is waiting for this call), or no other call is left
                        int looks = store.busyLooks();
                        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                                .until(() -> store.busyLooks() >= looks + 2 || calls.size() == 11);
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
        private final AtomicInteger busyLooks = new AtomicInteger();

        LeaseLooks(StateStore store) {
            this.store = store;
        }

        int busyLooks() {
            return busyLooks.get();
        }

        @Override
        public boolean claim(String key, String value, Duration ttl) {
            return store.claim(key, value, ttl);
        }

        @Override
        public Optional<String> get(String key) {
            Optional<String> value = store.get(key);
            if (value.filter(v -> v.startsWith("busy|")).isPresent()) {
                busyLooks.incrementAndGet();
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
