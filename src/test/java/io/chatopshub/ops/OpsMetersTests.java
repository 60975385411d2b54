package io.chatopshub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.testing.MutableClock;

class OpsMetersTests {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void readinessOfTheDedupStoreFollowsItsReachability() {
        var store = new ProbeOnlyStore();
        var indicator = new StateStoreHealthIndicator(store);

        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        store.reachable = false;
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(indicator.health().getDetails()).containsEntry("reason", "not reachable");
    }

    @Test
    void aBrokerThatDoesNotAnswerIsReportedDownWithinThePatienceAndAnAnswerIsReusedBriefly() throws Exception {
        var clock = new MutableClock(START);
        var calls = new AtomicInteger();
        var hang = new CountDownLatch(1);
        var answer = new AtomicReference<Health>(Health.up().build());
        var lateAnswerGiven = new CountDownLatch(1);
        var indicator = new BrokerHealthIndicator(() -> {
            calls.incrementAndGet();
            if (answer.get() == null) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lateAnswerGiven.countDown();
                return Health.down().withDetail("reason", "late").build();
            }
            return answer.get();
        }, Duration.ofSeconds(2), Duration.ofMillis(300), clock);
        try {
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            assertThat(calls).hasValue(1);

            answer.set(null);
            clock.advance(Duration.ofSeconds(2));
            long start = System.nanoTime();
            Health slow = indicator.health();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(slow.getStatus()).isEqualTo(Status.DOWN);
            assertThat(slow.getDetails()).containsEntry("reason", "the broker did not answer within 300 ms");
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(calls).as("no second check while one is still waiting").hasValue(2);

            hang.countDown();
            answer.set(Health.up().build());
            assertThat(lateAnswerGiven.await(5, TimeUnit.SECONDS)).as("the hung check returned").isTrue();
            clock.advance(Duration.ofSeconds(2));
            assertThat(indicator.health().getStatus()).as("the late answer, already stale").isEqualTo(Status.DOWN);
            clock.advance(Duration.ofSeconds(2));
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        } finally {
            indicator.destroy();
        }
    }

    @Test
    void theDeadLetterDepthIsAskedAtMostOnceEveryFiveSecondsAndIsNaNWhenTheBrokerIsAway() {
        var clock = new MutableClock(START);
        var asked = new AtomicInteger();
        var depth = new AtomicInteger(3);
        var gauge = new DeadLetterDepth(() -> {
            asked.incrementAndGet();
            if (depth.get() < 0) {
                throw new IllegalStateException("broker down");
            }
            return depth.get();
        }, clock);
        var registry = new SimpleMeterRegistry();
        gauge.bindTo(registry);

        assertThat(registry.get(DeadLetterDepth.NAME).gauge().value()).isEqualTo(3.0);
        depth.set(7);
        clock.advance(Duration.ofSeconds(4));
        assertThat(registry.get(DeadLetterDepth.NAME).gauge().value()).isEqualTo(3.0);
        assertThat(asked).hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(registry.get(DeadLetterDepth.NAME).gauge().value()).isEqualTo(7.0);
        depth.set(-1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(registry.get(DeadLetterDepth.NAME).gauge().value()).isNaN();
        assertThat(asked).hasValue(3);
    }

    @Test
    void acknowledgementTimesAreTaggedWithKnownPathsOnly() {
        assertThat(AckTimingFilter.endpoint("/slack/events", 200)).isEqualTo("/slack/events");
        assertThat(AckTimingFilter.endpoint("/hooks/deploy-result", 401)).isEqualTo("/hooks/deploy-result");
        assertThat(AckTimingFilter.endpoint("/hooks/whatever-a-scanner-tries", 404)).isEqualTo("other");
        assertThat(AckTimingFilter.endpoint("/slack/events/../../etc", 400)).isEqualTo("other");
    }

    /** Only the readiness probe matters here. */
    private static final class ProbeOnlyStore implements StateStore {

        boolean reachable = true;

        @Override
        public boolean claim(String key, String value, Duration ttl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> get(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void put(String key, String value, Duration ttl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean replace(String key, String expected, String value, Duration ttl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean remove(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isReachable() {
            return reachable;
        }
    }
}
