package io.chatopshub.system;

import java.time.Duration;
import java.util.Optional;

/**
 * An outbound call failed in a way that trying again later can fix: a 5xx, a 429, a timeout or
 * an I/O error. Worker routes retry it with exponential backoff (honouring {@link #retryAfter()}
 * when the other side said how long to wait), then park the work in the dead-letter queue.
 */
public class TransientFailureException extends RuntimeException {

    private final transient Duration retryAfter;

    public TransientFailureException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public TransientFailureException(String message, Duration retryAfter) {
        this(message, retryAfter, null);
    }

    public TransientFailureException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
