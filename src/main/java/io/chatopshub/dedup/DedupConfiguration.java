package io.chatopshub.dedup;

import java.time.Clock;
import java.time.Duration;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

import io.chatopshub.system.HubProperties;

/**
 * Chooses the store behind de-duplication and shared state ({@code chatops.dedup.store}) and
 * exposes it to routes as the {@code deliveryIds} idempotent repository.
 */
@Configuration(proxyBeanMethods = false)
class DedupConfiguration {

    /**
     * The edge's deliveries (routes/inbound/edge.camel.yaml, inbound-queue-delivery): confirmations
     * written behind the requests, the broker's duplicate detection covering the gap (see
     * {@link DeliveryIdRepository}).
     */
    @Bean
    DeliveryIdRepository deliveryIds(StateStore store, DedupProperties properties, Clock clock) {
        return new DeliveryIdRepository(store, properties.ttl(), clock, true);
    }

    /**
     * Slash commands (inbound-run-command): confirmed in the store before the reply, because what a
     * command queues is not the delivery itself, so no duplicate-detection id stands in for it.
     */
    @Bean
    DeliveryIdRepository commandIds(StateStore store, DedupProperties properties, Clock clock) {
        return new DeliveryIdRepository(store, properties.ttl(), clock);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "chatops.dedup.store", havingValue = "embedded", matchIfMissing = true)
    static class Embedded {

        @Bean(destroyMethod = "close")
        EmbeddedStateStore embeddedStateStore(HubProperties hub, Clock clock) {
            return new EmbeddedStateStore(hub.dataDir().resolve("state").resolve("state.mv.db"), clock);
        }

        @Bean
        EmbeddedStoreSweeper embeddedStoreSweeper(EmbeddedStateStore store) {
            return new EmbeddedStoreSweeper(store);
        }
    }

    /** Drops expired entries so the file does not grow with every delivery ever seen. */
    static final class EmbeddedStoreSweeper {

        private final EmbeddedStateStore store;

        EmbeddedStoreSweeper(EmbeddedStateStore store) {
            this.store = store;
        }

        @Scheduled(fixedDelay = 10, initialDelay = 1, timeUnit = java.util.concurrent.TimeUnit.MINUTES)
        void sweep() {
            store.sweep();
        }
    }

}
