package io.chatopshub.gitlab;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.chatopshub.dedup.StateStore;

/** A StateStore fake with the interface's expiry semantics, driven by the test's clock. */
final class InMemoryStateStore implements StateStore {

    private record Entry(String value, Instant expires) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Clock clock;

    InMemoryStateStore(Clock clock) {
        this.clock = clock;
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
        Entry e = live(key);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    @Override
    public synchronized void put(String key, String value, Duration ttl) {
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
    }

    @Override
    public synchronized boolean replace(String key, String expected, String value, Duration ttl) {
        Entry e = live(key);
        if (e == null || !e.value().equals(expected)) {
            return false;
        }
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
        return true;
    }

    @Override
    public synchronized boolean remove(String key) {
        return live(key) != null & entries.remove(key) != null;
    }

    @Override
    public boolean isReachable() {
        return true;
    }

    synchronized Optional<Instant> expiry(String key) {
        Entry e = live(key);
        return e == null ? Optional.empty() : Optional.of(e.expires());
    }

    private Entry live(String key) {
        Entry e = entries.get(key);
        return e == null || !clock.instant().isBefore(e.expires()) ? null : e;
    }
}
