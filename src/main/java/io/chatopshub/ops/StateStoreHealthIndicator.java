package io.chatopshub.ops;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import io.chatopshub.dedup.StateStore;

/**
 * The dedup store as a readiness condition: without it the hub cannot tell a retried delivery
 * from a new one, so a load balancer should send traffic to another instance meanwhile.
 */
class StateStoreHealthIndicator implements HealthIndicator {

    private final StateStore store;

    StateStoreHealthIndicator(StateStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        String kind = store.getClass().getSimpleName();
        return store.isReachable()
                ? Health.up().withDetail("store", kind).build()
                : Health.down().withDetail("store", kind).withDetail("reason", "not reachable").build();
    }
}
