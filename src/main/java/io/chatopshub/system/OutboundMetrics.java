package io.chatopshub.system;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Latency and outcome of every call the hub makes to another service, one meter family for all
 * integrations so a single dashboard shows which one is slow or failing:
 * {@value #CALLS} (timer with histogram; tags {@code integration}, {@code operation},
 * {@code outcome}) and {@value #RATE_LIMITED} (counter of 429 answers; tags {@code integration},
 * {@code operation}).
 *
 * <p>Operations must be a small fixed set (an API method name such as {@code chat.postMessage}),
 * never a URL or an id, or the number of time series grows with traffic.
 */
@Component
public class OutboundMetrics {

    public static final String CALLS = "chatops.outbound.calls";
    public static final String RATE_LIMITED = "chatops.outbound.rate.limited";

    public static final String SUCCESS = "success";
    public static final String TRANSIENT = "transient_failure";
    public static final String PERMANENT = "permanent_failure";
    public static final String IO_ERROR = "io_error";
    public static final String ERROR = "error";

    private final MeterRegistry registry;

    public OutboundMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records nothing; for clients built outside Spring, e.g. in unit tests. */
    public static OutboundMetrics disabled() {
        return new OutboundMetrics(new CompositeMeterRegistry());
    }

    /**
     * Runs {@code call} and records how long it took and how it ended: {@link #SUCCESS}, or the
     * kind of exception it threw, which is rethrown unchanged.
     */
    public <T, E extends Exception> T time(String integration, String operation, OutboundCall<T, E> call) throws E {
        long start = System.nanoTime();
        String outcome = SUCCESS;
        try {
            return call.call();
        } catch (Exception e) {
            outcome = outcomeOf(e);
            throw e;
        } catch (Error e) {
            outcome = ERROR;
            throw e;
        } finally {
            record(integration, operation, outcome, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Records one call whose outcome the caller worked out itself (e.g. from an HTTP status). */
    public void record(String integration, String operation, String outcome, Duration elapsed) {
        Timer.builder(CALLS)
                .description("Calls to other services: latency by integration, operation and outcome")
                .tag("integration", integration)
                .tag("operation", operation)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)
                .record(elapsed);
    }

    /** Counts a 429 (rate limited) answer. */
    public void rateLimited(String integration, String operation) {
        Counter.builder(RATE_LIMITED)
                .description("429 answers from other services")
                .tag("integration", integration)
                .tag("operation", operation)
                .register(registry)
                .increment();
    }

    /** The outcome tag for a failed call: how the hub's retry logic will treat it. */
    public static String outcomeOf(Throwable failure) {
        if (failure == null) {
            return SUCCESS;
        }
        if (failure instanceof TransientFailureException) {
            return TRANSIENT;
        }
        if (failure instanceof PermanentFailureException || failure instanceof BadRequestException) {
            return PERMANENT;
        }
        if (failure instanceof IOException) {
            return IO_ERROR;
        }
        return ERROR;
    }

    /** An HTTP status as an outcome tag: success for 2xx, otherwise {@code http_4xx}/{@code http_5xx}. */
    public static String outcomeOf(int httpStatus) {
        if (httpStatus >= 200 && httpStatus < 300) {
            return SUCCESS;
        }
        return String.format(Locale.ROOT, "http_%dxx", httpStatus / 100);
    }

    /** A call to time; may throw a checked exception of its own. */
    @FunctionalInterface
    public interface OutboundCall<T, E extends Exception> {
        T call() throws E;
    }
}
