package io.chatopshub.system;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The retry decision of worker routes, used as {@code retryWhile}: up to {@link #MAX_REDELIVERIES}
 * redeliveries in process; when the failure says how long to wait ({@code Retry-After},
 * {@code X-RateLimit-Reset}) that wait is used, otherwise the route's exponential backoff.
 * After that the message goes back to the broker, which redelivers it later with its own growing
 * delay and finally parks it in the dead-letter queue.
 *
 * <p>Every decision is counted: {@value #RETRIES} (tags {@code route}, {@code reason}: the
 * failure's class) and {@value #EXHAUSTED} (tag {@code route}) when the work goes back to the broker.
 */
@Component("outboundRetry")
public class OutboundRetry {

    static final int MAX_REDELIVERIES = 5;
    static final String RETRIES = "chatops.retries";
    static final String EXHAUSTED = "chatops.retries.exhausted";
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

    private final MeterRegistry metrics;

    OutboundRetry(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public boolean retry(Exchange exchange) {
        String route = String.valueOf(exchange.getFromRouteId());
        int counter = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        if (counter >= MAX_REDELIVERIES) {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
            Counter.builder(EXHAUSTED).description("Work handed back to the broker after the in-process retries")
                    .tag("route", route).register(metrics).increment();
            return false;
        }
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        Counter.builder(RETRIES).description("In-process retries of worker routes after transient failures")
                .tag("route", route)
                .tag("reason", failure == null ? "unknown" : failure.getClass().getSimpleName())
                .register(metrics).increment();
        if (failure instanceof TransientFailureException t && t.retryAfter().isPresent()) {
            Duration wait = t.retryAfter().get();
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY,
                    Math.min(wait.toMillis(), LONGEST_WAIT.toMillis()));
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
        return true;
    }
}
