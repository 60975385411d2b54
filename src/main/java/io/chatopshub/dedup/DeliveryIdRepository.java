package io.chatopshub.dedup;

import java.time.Duration;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Camel's {@link IdempotentRepository} over the hub's {@link StateStore}: the key of every
 * accepted delivery is claimed for {@code chatops.dedup.ttl}. With the DynamoDB store the claim
 * is a conditional write, so two hub instances receiving copies of one delivery accept it once.
 */
public final class DeliveryIdRepository extends ServiceSupport implements IdempotentRepository {

    private static final String PREFIX = "dedup:";

    private final StateStore store;
    private final Duration ttl;

    public DeliveryIdRepository(StateStore store, Duration ttl) {
        this.store = store;
        this.ttl = ttl;
    }

    @Override
    public boolean add(String key) {
        return store.claim(PREFIX + key, "1", ttl);
    }

    @Override
    public boolean contains(String key) {
        return store.get(PREFIX + key).isPresent();
    }

    @Override
    public boolean remove(String key) {
        return store.remove(PREFIX + key);
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("delivery ids expire by themselves; clearing them would allow replays");
    }
}
