package io.chatopshub.system;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The retry decision of worker routes, used as {@code retryWhile}: up to {@link #MAX_REDELIVERIES}
 * redeliveries in process; when the failure says how long to wait ({@code Retry-After},
 * {@code X-RateLimit-Reset}) that wait is used, otherwise the route's exponential backoff.
 * After that the message goes back to the broker, which redelivers it later with its own growing
 * delay and finally parks it in the dead-letter queue.
 */
@Component("outboundRetry")
public class OutboundRetry {

    static final int MAX_REDELIVERIES = 5;
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

    public boolean retry(Exchange exchange) {
        int counter = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        if (counter >= MAX_REDELIVERIES) {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
            return false;
        }
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
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
