package io.chatopshub.system;

import java.time.Clock;
import java.time.Duration;

/** Waiting for a moment on the hub's clock, as pacing and rate limits do before a call. */
public final class Pause {

    private Pause() {
    }

    /**
     * Returns once {@code clock} has reached {@code epochMillis}; at once if it has already.
     *
     * @param doing what the wait is for, for the message when it is interrupted
     * @throws TransientFailureException when the thread is interrupted (the work is tried again later)
     */
    public static void until(Clock clock, long epochMillis, String doing) {
        long wait = epochMillis - clock.millis();
        while (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientFailureException("interrupted while " + doing, (Duration) null);
            }
            wait = epochMillis - clock.millis();
        }
    }
}
