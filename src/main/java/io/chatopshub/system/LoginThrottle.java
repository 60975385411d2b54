package io.chatopshub.system;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing at the console: after {@code freeFailures} wrong passwords from
 * one client, or for one user name, every further attempt from that client or for that user has
 * to wait, one second after the next failure, then two, four, … up to {@code maxDelay}. While it
 * waits, an attempt is refused without its password being checked, so guessing faster gains
 * nothing. A successful login clears its client's counter; counters fade after a quiet spell.
 *
 * <p>Counting per user too stops a guesser who spreads attempts over many addresses; the price is
 * that someone can make the real operator wait, at most {@code maxDelay} at a time. Written for
 * the hub instead of taken from a library: Spring Security has no login throttling, and the
 * rate-limit libraries (Bucket4j, Resilience4j) count requests in windows, not failures with a
 * delay that grows, which is what slows guessing without ever locking the operator out for good.
 */
final class LoginThrottle {

    /** Beyond this many tracked clients and users, quiet entries are dropped first. */
    private static final int MAX_ENTRIES = 10_000;
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);

    private final int freeFailures;
    private final Duration maxDelay;
    private final Clock clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    LoginThrottle(int freeFailures, Duration maxDelay, Clock clock) {
        this.freeFailures = freeFailures;
        this.maxDelay = maxDelay;
        this.clock = clock;
    }

    /** How long an attempt by {@code user} from {@code client} must still wait; zero when it may try now. */
    Duration waitFor(String client, String user) {
        Instant now = clock.instant();
        Duration wait = waitFor(failures.get(clientKey(client)), now);
        if (user != null) {
            Duration userWait = waitFor(failures.get(userKey(user)), now);
            wait = userWait.compareTo(wait) > 0 ? userWait : wait;
        }
        return wait;
    }

    void failed(String client, String user) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_ENTRIES) {
            forgetQuiet(now);
        }
        Instant horizon = now.minus(maxDelay.multipliedBy(2));
        failures.merge(clientKey(client), new Failures(1, now), (old, one) -> next(old, horizon, now));
        if (user != null) {
            failures.merge(userKey(user), new Failures(1, now), (old, one) -> next(old, horizon, now));
        }
    }

    /**
     * A login that worked clears its client's count, not its user's: otherwise every scrape by
     * Prometheus with the right password would hand a guesser elsewhere a fresh set of free tries.
     * A user's count fades by itself after a quiet spell of twice the longest wait.
     */
    void succeeded(String client, String user) {
        failures.remove(clientKey(client));
    }

    private static Failures next(Failures old, Instant horizon, Instant now) {
        return old.last().isBefore(horizon) ? new Failures(1, now) : new Failures(old.count() + 1, now);
    }

    /** The delay after the {@code count}th failure in a row. */
    Duration delayAfter(int count) {
        if (count < freeFailures) {
            return Duration.ZERO;
        }
        int doublings = Math.min(count - freeFailures, 30);
        Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    private Duration waitFor(Failures entry, Instant now) {
        if (entry == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, entry.last().plus(delayAfter(entry.count())));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Entries whose last failure is older than twice the longest delay no longer slow anyone. */
    private void forgetQuiet(Instant now) {
        Instant horizon = now.minus(maxDelay.multipliedBy(2));
        failures.values().removeIf(entry -> entry.last().isBefore(horizon));
        if (failures.size() >= MAX_ENTRIES) {
            failures.clear();
        }
    }

    /** Drops every counter, e.g. between tests that share one hub. */
    void clear() {
        failures.clear();
    }

    private static String clientKey(String client) {
        return "client:" + client;
    }

    private static String userKey(String user) {
        return "user:" + user;
    }

    private record Failures(int count, Instant last) {
    }
}
