package io.chatopshub.alerts;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.HubInstance;
import io.chatopshub.system.Pause;
import io.chatopshub.system.TransientFailureException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * At most one alert call per channel per {@code spacing}, however many workers, pipelines or hub
 * instances send to that channel, and whatever the call does inside (the Slack client may wait
 * out a 429 and send again).
 *
 * <p>A caller takes the channel's lease in the shared {@link StateStore} (an atomic claim or
 * compare-and-set), waits until {@code spacing} has passed since the previous call ended, makes
 * its call and hands the lease back with the time it ended. Measuring from the end of the
 * previous call, not its start, is what keeps retries inside a call from bringing two requests
 * closer than the spacing. A lease left by a process that died expires after {@link #LEASE}, or is
 * taken over at once when that process was this {@link HubInstance} in an earlier life.
 */
public class ChannelPacer {

    /** Longer than a Slack call with a few waits for Retry-After. */
    static final Duration LEASE = Duration.ofMinutes(2);
    /** How long a caller waits for a busy channel before giving the work back to the queue. */
    private static final Duration MAX_WAIT = Duration.ofMinutes(3);
    private static final long POLL_MILLIS = 50;

    private final StateStore store;
    private final Clock clock;
    private final long spacing;
    private final HubInstance instance;

    public ChannelPacer(StateStore store, Clock clock, Duration spacing) {
        this(store, clock, spacing, HubInstance.transientInstance());
    }

    public ChannelPacer(StateStore store, Clock clock, Duration spacing, HubInstance instance) {
        this.store = store;
        this.clock = clock;
        this.spacing = spacing.toMillis();
        this.instance = instance;
    }

    /** Runs {@code call} in its turn for {@code channel}. */
    public <T> T run(String channel, Supplier<T> call) {
        String key = "alerts:pace:" + channel;
        String busy = "busy|" + instance.owner() + "|" + UUID.randomUUID();
        long giveUp = clock.millis() + MAX_WAIT.toMillis();
        while (true) {
            Optional<String> current = store.get(key);
            if (current.isEmpty() || current.get().startsWith("idle|")) {
                boolean taken = current.isEmpty() ? store.claim(key, busy, LEASE)
                        : store.replace(key, current.get(), busy, LEASE);
                if (taken) {
                    long previousEnd = current.map(v -> Long.parseLong(v.substring("idle|".length()))).orElse(0L);
                    try {
                        sleepUntil(previousEnd + spacing);
                        return call.get();
                    } finally {
                        store.put(key, "idle|" + clock.millis(), LEASE);
                    }
                }
                continue;
            }
            if (leftByEarlierLife(current.get())) {
                // the call that lease stood for died with its process; its end time is unknown
                store.replace(key, current.get(), "idle|" + clock.millis(), LEASE);
                continue;
            }
            if (clock.millis() > giveUp) {
                throw new TransientFailureException("Slack channel " + channel + " stayed busy", Duration.ofSeconds(5));
            }
            sleepUntil(clock.millis() + POLL_MILLIS);
        }
    }

    private boolean leftByEarlierLife(String lease) {
        String[] parts = lease.split("\\|", -1);
        return parts.length == 3 && parts[0].equals("busy") && instance.isEarlierLife(parts[1]);
    }

    private void sleepUntil(long epochMillis) {
        Pause.until(clock, epochMillis, "pacing Slack messages");
    }
}
