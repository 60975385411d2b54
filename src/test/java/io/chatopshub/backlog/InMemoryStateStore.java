package io.chatopshub.backlog;

import io.chatopshub.dedup.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A test fake of the shared store: atomic per key, expiry on the given clock. */
class InMemoryStateStore implements StateStore {

    private record Entry(String value, Instant expires) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    InMemoryStateStore(Clock clock) {
        this.clock = clock;
    }

    private boolean live(Entry entry) {
        return entry != null && clock.instant().isBefore(entry.expires());
    }

    @Override
    public synchronized boolean claim(String key, String value, Duration ttl) {
        if (live(entries.get(key))) {
            return false;
        }
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
        return true;
    }

    @Override
    public synchronized Optional<String> get(String key) {
        Entry entry = entries.get(key);
        return live(entry) ? Optional.of(entry.value()) : Optional.empty();
    }

    @Override
    public synchronized void put(String key, String value, Duration ttl) {
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
    }

    @Override
    public synchronized boolean replace(String key, String expected, String value, Duration ttl) {
        Entry entry = entries.get(key);
        if (!live(entry) || !entry.value().equals(expected)) {
            return false;
        }
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
        return true;
    }

    @Override
    public synchronized boolean remove(String key) {
        return live(entries.remove(key));
    }

    @Override
    public boolean isReachable() {
        return true;
    }
}
