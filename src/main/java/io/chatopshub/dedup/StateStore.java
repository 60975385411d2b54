package io.chatopshub.dedup;

import java.time.Duration;
import java.util.Optional;

/**
 * A small key-value store with expiring entries, shared by every hub instance that points at
 * the same backend. It carries the de-duplication keys and the little state integrations keep
 * between deliveries (alert key to Backlog issue, release guards, ...).
 *
 * <p>Keys are namespaced by their caller ({@code dedup:slack:Ev123}, {@code backlog:mackerel:2bj}).
 * An expired entry behaves exactly like an absent one, even if the backend has not removed it yet.
 */
public interface StateStore {

    /**
     * Claims {@code key} for {@code ttl}: stores it with {@code value} only when it is absent or
     * expired. Atomic across every hub instance sharing the backend.
     *
     * @return true when this caller won the claim, false when a live entry already existed
     */
    boolean claim(String key, String value, Duration ttl);

    /** The value of a live entry. */
    Optional<String> get(String key);

    /** Stores {@code value} under {@code key} unconditionally. */
    void put(String key, String value, Duration ttl);

    /** Stores every entry unconditionally; a store that can writes them in one commit. */
    default void putAll(java.util.Map<String, String> values, Duration ttl) {
        values.forEach((key, value) -> put(key, value, ttl));
    }

    /**
     * Replaces the value of a live entry only while it still equals {@code expected}
     * (compare-and-set). Atomic across instances.
     *
     * @return true when replaced
     */
    boolean replace(String key, String expected, String value, Duration ttl);

    /** Removes an entry. @return true when a live entry was removed */
    boolean remove(String key);

    /** Cheap reachability probe for readiness; never throws. */
    boolean isReachable();

    /**
     * True when other hub instances may use the same entries (a shared backend); false for a
     * store only this process can open, whose callers may then keep short-lived claims in memory.
     */
    default boolean isShared() {
        return true;
    }
}
