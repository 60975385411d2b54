package io.chatopshub.gitlab;

import java.time.Duration;

import io.chatopshub.system.TransientFailureException;

/**
 * A trigger call that GitLab certainly did not act on: the connection was never made, or GitLab
 * answered 429 or 503 before doing anything. Only then may a release be tried again without
 * risking a second pipeline; a read timeout or a 500 leaves that open and stays a plain
 * {@link TransientFailureException}.
 */
public class PipelineNotCreatedException extends TransientFailureException {

    public PipelineNotCreatedException(String message, Duration retryAfter, Throwable cause) {
        super(message, retryAfter, cause);
    }
}
