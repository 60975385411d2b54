package io.chatopshub.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #NAME}: how many messages wait in the dead-letter queue. Counting means browsing the
 * queue, so the value is cached for {@link #MAX_AGE} however often Prometheus scrapes; when the
 * broker cannot be asked the gauge reports NaN rather than a stale number.
 */
class DeadLetterDepth implements MeterBinder {

    static final String NAME = "chatops.dlq.depth";
    static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDepth.class);

    private final IntSupplier depth;
    private final Clock clock;
    private long readAt = Long.MIN_VALUE;
    private double value = Double.NaN;

    DeadLetterDepth(IntSupplier depth, Clock clock) {
        this.depth = depth;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(NAME, this, DeadLetterDepth::value)
                .description("Messages waiting in the dead-letter queue chatops.dlq")
                .register(registry);
    }

    synchronized double value() {
        long now = clock.millis();
        if (readAt == Long.MIN_VALUE || now - readAt >= MAX_AGE.toMillis()) {
            readAt = now;
            try {
                value = depth.getAsInt();
            } catch (RuntimeException e) {
                LOG.debug("dead-letter queue depth unavailable: {}", e.toString());
                value = Double.NaN;
            }
        }
        return value;
    }
}
