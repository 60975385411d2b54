package io.chatopshub.system.inbound;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jms.JmsException;

import io.chatopshub.system.Secrets;

/**
 * Whether the edge's last durable write went through: health contributor {@code durableWrites}, in
 * the readiness group. A write the broker did not confirm within {@code chatops.broker.send-timeout}
 * (broker blocked, unreachable, its journal stalled) makes readiness DOWN with the reason, so a load
 * balancer sends the senders' retries to another instance; the next confirmed write, or
 * {@code chatops.broker.down-after-failed-write} without another failure, makes it UP again. The
 * second way out matters because a hub taken out of rotation gets no write to prove itself with.
 */
public final class DurableWrites implements HealthIndicator {

    private final Clock clock;
    private final Duration downFor;
    private volatile Failure failure;

    DurableWrites(Clock clock, Duration downFor) {
        this.clock = clock;
        this.downFor = downFor;
    }

    /** A write the broker confirmed. */
    public void confirmed() {
        if (failure != null) {
            failure = null;
        }
    }

    /** A write that failed; only failures of the broker count, not refusals of bad input. */
    public void failed(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof JmsException || t instanceof jakarta.jms.JMSException) {
                failure = new Failure(clock.instant(), Secrets.mask(String.valueOf(t.getMessage())));
                return;
            }
        }
    }

    @Override
    public Health health() {
        Failure last = failure;
        if (last == null || last.at().plus(downFor).isBefore(clock.instant())) {
            return Health.up().build();
        }
        return Health.down()
                .withDetail("reason", "the broker did not confirm a durable write: " + last.reason())
                .withDetail("since", last.at().toString())
                .build();
    }

    private record Failure(Instant at, String reason) {
    }
}
