package io.chatopshub.system;

/**
 * An outbound call was refused in a way that retrying cannot fix (a 4xx other than 429, an
 * {@code ok:false} answer with a permanent error code). Not retried: the work goes straight to
 * the dead-letter queue unless the route turns it into a message for a person.
 */
public class PermanentFailureException extends RuntimeException {

    private final String code;

    public PermanentFailureException(String code, String message) {
        super(message);
        this.code = code;
    }

    public PermanentFailureException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** A short machine-readable reason, e.g. {@code channel_not_found} or {@code http_404}. */
    public String code() {
        return code;
    }
}
