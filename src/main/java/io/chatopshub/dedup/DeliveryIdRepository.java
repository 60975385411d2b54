package io.chatopshub.dedup;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's {@link IdempotentRepository} over the hub's {@link StateStore}: the key of every
 * accepted delivery is claimed for {@code chatops.dedup.ttl}. With the DynamoDB store the claim
 * is a conditional write, so two hub instances receiving copies of one delivery accept it once.
 *
 * <p>A key is first claimed as <em>pending</em> and confirmed once the delivery is on the durable
 * queue. A pending key older than {@link #TAKE_OVER_AFTER} belongs to an attempt that died between
 * the claim and the queue (the process was killed): a later copy of the delivery takes it over
 * instead of being dropped as a duplicate, so a sender's retry cannot be lost to a half-done
 * first attempt.
 *
 * <p>When the store is this process's own ({@link StateStore#isShared()} false: the embedded
 * store), the pending claim is kept in memory and only the confirmation is written: a claim that
 * dies with the process needs no taking over, because nothing of it was written. That makes an
 * accepted delivery one write to the store instead of two.
 *
 * <p>With {@code writeBehind} (the edge's {@code deliveryIds}, embedded store only) the
 * confirmation is not written on the request's path either: confirmed keys are kept in memory and
 * written by one writer, many per commit, while requests go on. The durable record of a delivery
 * confirmed but not yet written is the broker's: the edge sends every delivery with its id as the
 * broker's duplicate-detection id ({@code _AMQ_DUPL_ID}), written in the same journal record as
 * the message, so a copy that arrives after a crash in that gap is dropped by the broker. That
 * makes an accepted delivery one durable write: the journal's.
 */
public final class DeliveryIdRepository extends ServiceSupport implements IdempotentRepository {

    /**
     * How long the writer lets confirmations gather before a commit: a store commit costs about as
     * much CPU and file as one acknowledgement, so under load one commit carries tens of them.
     */
    static final Duration GATHER = Duration.ofMillis(20);

    /** Far longer than queueing one delivery takes; shorter than a sender's later retries. */
    static final Duration TAKE_OVER_AFTER = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryIdRepository.class);
    private static final String PREFIX = "dedup:";
    private static final String PENDING = "pending:";
    private static final String DONE = "done";

    private final StateStore store;
    private final Duration ttl;
    private final Clock clock;
    /** Claims not yet confirmed, with the time they were made, when the store is not shared. */
    private final ConcurrentMap<String, Long> pending = new ConcurrentHashMap<>();
    private final boolean writeBehind;
    /** Confirmed keys the writer has not written yet (write-behind). */
    private final ConcurrentMap<String, Boolean> unwritten = new ConcurrentHashMap<>();
    /** Set while the stop writes what is left: no gathering then. */
    private volatile boolean stopping;
    /** True while a writer thread is draining {@link #unwritten}. */
    private final AtomicBoolean writing = new AtomicBoolean();

    public DeliveryIdRepository(StateStore store, Duration ttl, Clock clock) {
        this(store, ttl, clock, false);
    }

    /** @param writeBehind write confirmations behind the requests (ignored for a shared store) */
    public DeliveryIdRepository(StateStore store, Duration ttl, Clock clock, boolean writeBehind) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
        this.writeBehind = writeBehind && !store.isShared();
    }

    @Override
    public boolean add(String key) {
        if (!store.isShared()) {
            return addInMemory(key);
        }
        String pending = PENDING + clock.millis();
        if (store.claim(PREFIX + key, pending, ttl)) {
            return true;
        }
        Optional<String> current = store.get(PREFIX + key);
        if (current.isEmpty()) {
            return store.claim(PREFIX + key, pending, ttl);
        }
        String value = current.get();
        if (value.startsWith(PENDING) && isStale(value)) {
            return store.replace(PREFIX + key, value, pending, ttl);
        }
        return false;
    }

    /** The claim of a store no other instance uses: pending in memory, checked against what was confirmed. */
    private boolean addInMemory(String key) {
        long now = clock.millis();
        Long held = pending.putIfAbsent(key, now);
        if (held != null && (now - held <= TAKE_OVER_AFTER.toMillis() || !pending.replace(key, held, now))) {
            return false;
        }
        if (unwritten.containsKey(key)) {
            pending.remove(key, now);
            return false;
        }
        Optional<String> written = store.get(PREFIX + key);
        if (written.isPresent() && !(written.get().startsWith(PENDING) && isStale(written.get()))) {
            pending.remove(key, now);
            return false;
        }
        return true;
    }

    @Override
    public boolean contains(String key) {
        return pending.containsKey(key) || unwritten.containsKey(key) || store.get(PREFIX + key).isPresent();
    }

    @Override
    public boolean remove(String key) {
        boolean held = pending.remove(key) != null | unwritten.remove(key) != null;
        return store.remove(PREFIX + key) || held;
    }

    /** The delivery is on the durable queue: from now on every copy is a duplicate. */
    @Override
    public boolean confirm(String key) {
        if (writeBehind) {
            unwritten.put(key, Boolean.TRUE);
            pending.remove(key);
            if (writing.compareAndSet(false, true)) {
                Thread writer = new Thread(this::drain, "delivery-ids-writer");
                writer.setDaemon(true);
                writer.start();
            }
            return true;
        }
        store.put(PREFIX + key, DONE, ttl);
        pending.remove(key);
        return true;
    }

    /**
     * Writes confirmed keys until none is left, each round all that arrived during the previous
     * one in a single commit. A failed write leaves them for the next confirmation's writer (the
     * broker's duplicate detection covers them meanwhile).
     */
    private void drain() {
        try {
            while (true) {
                if (!writeUnwritten()) {
                    return;
                }
                writing.set(false);
                if (unwritten.isEmpty() || !writing.compareAndSet(false, true)) {
                    return;
                }
            }
        } finally {
            writing.set(false);
        }
    }

    /** @return false when the write failed */
    private boolean writeUnwritten() {
        while (!unwritten.isEmpty()) {
            if (!stopping) {
                // let the confirmations of concurrent requests join this commit
                LockSupport.parkNanos(GATHER.toNanos());
            }
            Map<String, String> batch = new LinkedHashMap<>();
            unwritten.keySet().forEach(key -> batch.put(PREFIX + key, DONE));
            try {
                store.putAll(batch, ttl);
            } catch (RuntimeException e) {
                LOG.warn("could not write {} confirmed delivery id(s) yet: {}", batch.size(), e.getMessage());
                return false;
            }
            batch.keySet().forEach(key -> unwritten.remove(key.substring(PREFIX.length())));
        }
        return true;
    }

    /** Confirmed keys not yet in the store (write-behind); for tests and the stop. */
    int unwrittenCount() {
        return unwritten.size();
    }

    /** Writes what is left before the hub stops. */
    @Override
    protected void doStop() {
        stopping = true;
        try {
            writeUnwritten();
        } finally {
            stopping = false;
        }
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("delivery ids expire by themselves; clearing them would allow replays");
    }

    private boolean isStale(String pending) {
        try {
            long since = Long.parseLong(pending.substring(PENDING.length()));
            return clock.millis() - since > TAKE_OVER_AFTER.toMillis();
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
