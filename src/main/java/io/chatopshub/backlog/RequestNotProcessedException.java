package io.chatopshub.backlog;

import java.time.Duration;

import io.chatopshub.system.TransientFailureException;

/**
 * Backlog certainly did not act on the request: the connection was refused, or it answered 429
 * or 503. Retrying may create what the request asked for; after other failures (a timeout, a
 * 500) Backlog may already have created it, so the caller must look before it tries again.
 */
class RequestNotProcessedException extends TransientFailureException {

    RequestNotProcessedException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
