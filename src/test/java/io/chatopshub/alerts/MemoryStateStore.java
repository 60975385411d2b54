package io.chatopshub.alerts;

import io.chatopshub.dedup.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A test fake of the shared store: atomic per call, expiry on the given clock. */
class MemoryStateStore implements StateStore {

    private record Entry(String value, Instant expires) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Clock clock;

    MemoryStateStore(Clock clock) {
        this.clock = clock;
    }

    private Entry live(String key) {
        Entry entry = entries.get(key);
        return entry != null && clock.instant().isBefore(entry.expires()) ? entry : null;
    }

    @Override
    public synchronized boolean claim(String key, String value, Duration ttl) {
        if (live(key) != null) {
            return false;
        }
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
        return true;
    }

    @Override
    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(live(key)).map(Entry::value);
    }

    @Override
    public synchronized void put(String key, String value, Duration ttl) {
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
    }

    @Override
    public synchronized boolean replace(String key, String expected, String value, Duration ttl) {
        Entry entry = live(key);
        if (entry == null || !entry.value().equals(expected)) {
            return false;
        }
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
        return true;
    }

    @Override
    public synchronized boolean remove(String key) {
        return entries.remove(key) != null;
    }

    @Override
    public boolean isReachable() {
        return true;
    }
}
