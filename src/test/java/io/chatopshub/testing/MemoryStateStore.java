package io.chatopshub.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.chatopshub.dedup.StateStore;

/**
 * An in-memory {@link StateStore} with the interface's semantics: every call is atomic, and an
 * entry expires on the given clock, after which it behaves exactly like an absent one.
 */
public final class MemoryStateStore implements StateStore {

    private record Entry(String value, Instant expires) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Clock clock;

    public MemoryStateStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized boolean claim(String key, String value, Duration ttl) {
        if (live(key) != null) {
            return false;
        }
        store(key, value, ttl);
        return true;
    }

    @Override
    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(live(key)).map(Entry::value);
    }

    @Override
    public synchronized void put(String key, String value, Duration ttl) {
        store(key, value, ttl);
    }

    @Override
    public synchronized boolean replace(String key, String expected, String value, Duration ttl) {
        Entry entry = live(key);
        if (entry == null || !entry.value().equals(expected)) {
            return false;
        }
        store(key, value, ttl);
        return true;
    }

    /** Drops the entry whether live or expired; only a live one counts as removed. */
    @Override
    public synchronized boolean remove(String key) {
        boolean wasLive = live(key) != null;
        entries.remove(key);
        return wasLive;
    }

    @Override
    public boolean isReachable() {
        return true;
    }

    /** When a live entry expires, so that tests can check the TTL a caller asked for. */
    public synchronized Optional<Instant> expiry(String key) {
        return Optional.ofNullable(live(key)).map(Entry::expires);
    }

    private void store(String key, String value, Duration ttl) {
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
    }

    private Entry live(String key) {
        Entry entry = entries.get(key);
        return entry != null && clock.instant().isBefore(entry.expires()) ? entry : null;
    }
}
