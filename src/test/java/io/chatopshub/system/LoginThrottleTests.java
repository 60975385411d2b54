package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class LoginThrottleTests {

    private final MovableClock clock = new MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(15), clock);

    @Test
    void fiveWrongPasswordsAreFreeThenTheWaitDoublesWithEveryFurtherFailureUpToTheMaximum() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.1", "operator");
            assertThat(throttle.waitFor("10.0.0.1", "operator")).isZero();
        }
        Duration previous = Duration.ZERO;
        for (int failure = 5; failure <= 20; failure++) {
            throttle.failed("10.0.0.1", "operator");
            Duration wait = throttle.waitFor("10.0.0.1", "operator");
            assertThat(wait).as("after failure %d", failure).isGreaterThanOrEqualTo(previous).isPositive();
            clock.advance(wait);
            previous = wait;
        }
        assertThat(throttle.delayAfter(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.delayAfter(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.delayAfter(9)).isEqualTo(Duration.ofSeconds(16));
        assertThat(previous).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void waitEndsWhenItsTimeHasPassed() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("10.0.0.1", "operator");
        }
        assertThat(throttle.waitFor("10.0.0.1", "operator")).isEqualTo(Duration.ofSeconds(2));

        clock.advance(Duration.ofMillis(1500));
        assertThat(throttle.waitFor("10.0.0.1", "operator")).isEqualTo(Duration.ofMillis(500));
        clock.advance(Duration.ofMillis(500));
        assertThat(throttle.waitFor("10.0.0.1", "operator")).isZero();
    }

    @Test
    void guessesSpreadOverManyAddressesAreSlowedForTheUserTheyAimAt() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0." + i, "operator");
        }

        assertThat(throttle.waitFor("10.9.9.9", "operator")).isPositive();
        assertThat(throttle.waitFor("10.9.9.9", "someone-else")).isZero();
    }

    @Test
    void oneClientTryingManyUserNamesIsSlowedWhateverNameItTriesNext() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0.1", "user" + i);
        }

        assertThat(throttle.waitFor("10.0.0.1", "operator")).isPositive();
        assertThat(throttle.waitFor("10.0.0.2", "operator")).isZero();
    }

    @Test
    void aSuccessfulLoginClearsItsClientsCountButNotTheCountOfTheUserBeingGuessed() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.6.6.6", "operator");
        }
        // Prometheus scrapes with the right password from elsewhere
        throttle.succeeded("10.0.0.9", "operator");

        assertThat(throttle.waitFor("10.6.6.7", "operator")).isPositive();

        throttle.succeeded("10.6.6.6", "operator");
        assertThat(throttle.waitFor("10.6.6.6", "someone-else")).isZero();
    }

    @Test
    void failuresFadeAfterAQuietSpellOfTwiceTheLongestWait() {
        for (int i = 0; i < 8; i++) {
            throttle.failed("10.0.0.1", "operator");
        }
        clock.advance(Duration.ofMinutes(31));

        throttle.failed("10.0.0.1", "operator");

        assertThat(throttle.waitFor("10.0.0.1", "operator")).isZero();
    }

    private static final class MovableClock extends Clock {

        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
