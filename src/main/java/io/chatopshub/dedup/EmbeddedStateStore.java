package io.chatopshub.dedup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-instance store: H2's MVStore, a persistent map in one file under
 * {@code chatops.data-dir}. Every change is committed before the call returns, so a key claimed
 * before an answer is still claimed after the process is killed. Entries carry their expiry
 * time; expired ones are treated as absent and swept now and then.
 *
 * <p>Changes are atomic operations on the map (put-if-absent, compare-and-replace) rather than
 * one lock around change and commit, and callers share commits (group commit): each change takes
 * a ticket once it is in the map; a commit covers every ticket taken before it started, so the
 * callers that queued behind a commit return as soon as the next one, made for all of them,
 * is written. Under a burst of webhooks this turns one file write per request into one per group
 * of requests, and a caller still returns only once its change is in the file.
 */
final class EmbeddedStateStore implements StateStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStateStore.class);
    private static final char SEPARATOR = '\u0000';

    private final MVStore store;
    private final MVMap<String, String> entries;
    private final Clock clock;
    private final AtomicLong changes = new AtomicLong();
    private final ReentrantLock commitLock = new ReentrantLock();
    /**
     * Every read and change holds this shared; compaction holds it alone. MVStore's compactFile
     * moves live pages and drops the chunks they were in, and a read or change running meanwhile
     * can land on a dropped chunk ("Chunk … not found").
     */
    private final ReentrantReadWriteLock access = new ReentrantReadWriteLock();
    /** A file larger than this is compacted by the sweep (by default). */
    static final long COMPACT_ABOVE = 64L << 20;
    private final long compactAbove;
    static final int CACHE_MB = 4;
    static final int COMPACT_TIME_MS = 1000;
    /** The highest change ticket known to be in the file; guarded by {@link #commitLock}. */
    private long committed;

    EmbeddedStateStore(Path file, Clock clock) {
        this(file, clock, COMPACT_ABOVE);
    }

    EmbeddedStateStore(Path file, Clock clock, long compactAbove) {
        this.compactAbove = compactAbove;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
        }
        // a 4 MB page cache (MVStore's default: 16 MB of heap): the hub reads back mostly keys it
        // wrote moments ago, and the store is small
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().cacheSize(CACHE_MB).open();
        this.entries = store.openMap("entries");
        this.clock = clock;
        LOG.info("Embedded state store at {} ({} entries)", file, entries.size());
    }

    @Override
    public boolean claim(String key, String value, Duration ttl) {
        return shared(() -> {
            String encoded = encode(value, ttl);
            String current = entries.get(key);
            boolean claimed;
            if (current == null) {
                claimed = entries.putIfAbsent(key, encoded) == null;
            } else {
                claimed = live(current) == null && entries.replace(key, current, encoded);
            }
            if (claimed) {
                commitChange();
            }
            return claimed;
        });
    }

    @Override
    public Optional<String> get(String key) {
        return shared(() -> Optional.ofNullable(live(entries.get(key))));
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        shared(() -> {
            entries.put(key, encode(value, ttl));
            commitChange();
        });
    }

    /** One commit for all of them. */
    @Override
    public void putAll(java.util.Map<String, String> values, Duration ttl) {
        if (values.isEmpty()) {
            return;
        }
        shared(() -> {
            values.forEach((key, value) -> entries.put(key, encode(value, ttl)));
            commitChange();
        });
    }

    @Override
    public boolean replace(String key, String expected, String value, Duration ttl) {
        return shared(() -> {
            String encoded = encode(value, ttl);
            while (true) {
                String raw = entries.get(key);
                String current = live(raw);
                if (current == null || !current.equals(expected)) {
                    return false;
                }
                if (entries.replace(key, raw, encoded)) {
                    commitChange();
                    return true;
                }
            }
        });
    }

    @Override
    public boolean remove(String key) {
        return shared(() -> {
            String previous = entries.remove(key);
            if (previous != null) {
                commitChange();
            }
            return live(previous) != null;
        });
    }

    /** Runs a read or change of the map while no compaction runs ({@link #access}). */
    private <T> T shared(Supplier<T> work) {
        access.readLock().lock();
        try {
            return work.get();
        } finally {
            access.readLock().unlock();
        }
    }

    private void shared(Runnable work) {
        shared(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Returns once the caller's change, made before this call, is in the file. The ticket is
     * taken after the change; a commit started after a ticket was taken contains that change.
     */
    private void commitChange() {
        long ticket = changes.incrementAndGet();
        commitLock.lock();
        try {
            if (committed >= ticket) {
                return;
            }
            long covered = changes.get();
            store.commit();
            committed = covered;
        } finally {
            commitLock.unlock();
        }
    }

    /** The file is locked by the process that opened it: no other instance shares these entries. */
    @Override
    public boolean isShared() {
        return false;
    }

    @Override
    public boolean isReachable() {
        return !store.isClosed();
    }

    /** Removes expired entries; returns how many. */
    synchronized int sweep() {
        int removed = shared(this::removeExpired);
        compactIfLarge();
        return removed;
    }

    private int removeExpired() {
        long now = clock.millis();
        int removed = 0;
        var cursor = entries.cursor(null);
        var expired = new java.util.LinkedHashMap<String, String>();
        while (cursor.hasNext()) {
            String key = cursor.next();
            if (expiry(cursor.getValue()) <= now) {
                expired.put(key, cursor.getValue());
            }
        }
        for (var entry : expired.entrySet()) {
            // only if unchanged: a claim may have taken the expired key meanwhile
            if (entries.remove(entry.getKey(), entry.getValue())) {
                removed++;
            }
        }
        if (removed > 0) {
            store.commit();
        }
        return removed;
    }

    /**
     * Gives back the file a busy period left behind. Each commit writes a new chunk (about 24 KB),
     * and MVStore keeps the old ones for its retention time (45 s), so a storm of state changes grows
     * the file by hundreds of MB that it never shrinks from by itself. Past {@link #COMPACT_ABOVE},
     * the live pages are moved together and the file truncated, for at most
     * {@link #COMPACT_TIME_MS}, with every read and change waiting meanwhile; the retention time
     * is put back afterwards.
     */
    void compactIfLarge() {
        long before = fileSize();
        if (before <= compactAbove) {
            return;
        }
        access.writeLock().lock();
        // compactFile sets the retention time to 0 and leaves it there: every later commit would
        // then drop the chunks a concurrent read may still be walking ("Chunk … not found")
        int retention = store.getRetentionTime();
        try {
            store.compactFile(COMPACT_TIME_MS);
        } finally {
            store.setRetentionTime(retention);
            access.writeLock().unlock();
        }
        LOG.info("Embedded state store compacted: {} MB -> {} MB", before >> 20, fileSize() >> 20);
    }

    long fileSize() {
        return store.getFileStore().size();
    }

    int size() {
        return entries.size();
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }

    private String encode(String value, Duration ttl) {
        return (clock.millis() + ttl.toMillis()) + String.valueOf(SEPARATOR) + (value == null ? "" : value);
    }

    private String live(String encoded) {
        if (encoded == null || expiry(encoded) <= clock.millis()) {
            return null;
        }
        return encoded.substring(encoded.indexOf(SEPARATOR) + 1);
    }

    private static long expiry(String encoded) {
        return Long.parseLong(encoded.substring(0, encoded.indexOf(SEPARATOR)));
    }
}
