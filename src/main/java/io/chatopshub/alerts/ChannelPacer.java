package io.chatopshub.alerts;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.TransientFailureException;
import java.time.Clock;
import java.time.Duration;

/**
 * At most one alert message per channel per slot, however many workers, pipelines or hub
 * instances send to that channel. Time is cut into slots of {@code spacing}; a sender claims the
 * first free future slot in the shared {@link StateStore} and waits for its start, so two calls
 * to one channel are always a slot apart. Claims are atomic in the store, which is what makes
 * concurrency unable to defeat the pace; the Slack client's own per-process pacing stays as a
 * second guard.
 */
public class ChannelPacer {

    /** How far ahead a sender looks for a free slot before it gives the message back to the queue. */
    private static final int MAX_SLOTS_AHEAD = 120;

    private final StateStore store;
    private final Clock clock;
    private final long spacing;

    public ChannelPacer(StateStore store, Clock clock, Duration spacing) {
        this.store = store;
        this.clock = clock;
        this.spacing = spacing.toMillis();
    }

    /** Waits for this caller's slot for {@code channel}. */
    public void await(String channel) {
        long first = clock.millis() / spacing + 1;
        for (long slot = first; slot < first + MAX_SLOTS_AHEAD; slot++) {
            if (store.claim("alerts:pace:" + channel + ":" + slot, "1", Duration.ofMillis(spacing * (MAX_SLOTS_AHEAD + 2)))) {
                sleepUntil(slot * spacing);
                return;
            }
        }
        throw new TransientFailureException("Slack channel " + channel + " is busy for the next "
                + MAX_SLOTS_AHEAD + " slots", Duration.ofMillis(spacing * MAX_SLOTS_AHEAD / 2));
    }

    private void sleepUntil(long epochMillis) {
        long wait = epochMillis - clock.millis();
        while (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientFailureException("interrupted while pacing Slack messages", (Duration) null);
            }
            wait = epochMillis - clock.millis();
        }
    }
}
