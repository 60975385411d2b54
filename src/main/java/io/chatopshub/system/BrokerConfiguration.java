package io.chatopshub.system;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Redelivery and dead-lettering of the hub's queues on the embedded broker. A message whose
 * work keeps failing comes back after 5 s, 20 s, 80 s, … (at most 10 min) and after
 * {@link #MAX_DELIVERY_ATTEMPTS} attempts lands in {@code chatops.dlq}, where operators inspect
 * and replay it. An external broker needs the same address settings (see the README).
 *
 * <p>The client caches queue lookups: the hub sends to a fixed set of queues, and without the
 * cache every send first asks the broker whether its queue exists, one more round trip on the
 * path that answers webhooks.
 *
 * <p>Thread pools are sized for a hub, not a shared broker: Artemis' defaults (30 server threads,
 * 16 client threads on two cores) would otherwise sit idle in memory, some 100 KB of stack each.
 *
 * <p>So is the journal: a hub's messages are webhook payloads of a few KB (anything over 100 KB is
 * kept as a large message beside the journal), so 2 MB journal files ({@link #JOURNAL_FILE_SIZE})
 * hold hundreds of them. Artemis' 10 MB files are made and zero-filled before the broker takes its
 * first message, which on a first start is time spent before the first answer.
 */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration {

    static final String QUEUES = "chatops.#";
    static final int MAX_DELIVERY_ATTEMPTS = 6;
    static final int SERVER_THREADS = 10;
    static final int SCHEDULED_THREADS = 3;
    static final int CLIENT_THREADS = 8;
    static final int JOURNAL_FILE_SIZE = 2 * 1024 * 1024;
    static final int JOURNAL_MIN_FILES = 2;
    /** Files kept for reuse once compacted; beyond them, emptied files are deleted. */
    static final int JOURNAL_POOL_FILES = 8;

    @Bean
    static BeanPostProcessor cachedQueueLookups() {
        // before any client connection exists
        ActiveMQClient.setGlobalThreadPoolProperties(CLIENT_THREADS, SCHEDULED_THREADS,
                ActiveMQClient.DEFAULT_FLOW_CONTROL_THREAD_POOL_MAX_SIZE);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                Object target = bean instanceof CachingConnectionFactory caching ? caching.getTargetConnectionFactory() : bean;
                if (target instanceof ActiveMQConnectionFactory artemis && !artemis.isCacheDestinations()) {
                    artemis.setCacheDestinations(true);
                }
                return bean;
            }
        };
    }

    /** The embedded broker's journal files, and when its disk counts as full ({@code chatops.broker.*}). */
    @Bean
    ArtemisConfigurationCustomizer journalDiskLimit(HubProperties hub) {
        return configuration -> {
            configuration.setJournalFileSize(JOURNAL_FILE_SIZE);
            configuration.setJournalMinFiles(JOURNAL_MIN_FILES);
            configuration.setJournalPoolFiles(JOURNAL_POOL_FILES);
            configuration.setMaxDiskUsage(hub.broker().maxDiskUsage());
            configuration.setDiskScanPeriod(Math.max(1, (int) hub.broker().diskScanPeriod().toMillis()));
        };
    }

    /**
     * The hub's queues refuse a message the broker cannot keep (journal disk over
     * {@code chatops.broker.max-disk-usage}, or the broker's memory for queued messages full)
     * instead of blocking the sender: a blocked send would hold the request past Slack's 3 s and
     * past the point where a retry is taken as a duplicate. The refusal reaches the edge at once
     * and becomes a 503, which senders retry.
     */
    @Bean
    ArtemisConfigurationCustomizer chatopsAddressSettings() {
        return configuration -> {
            configuration.setThreadPoolMaxSize(SERVER_THREADS);
            configuration.setScheduledThreadPoolMaxSize(SCHEDULED_THREADS);
            configuration.addAddressSetting(QUEUES, new AddressSettings()
                    .setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL)
                    .setDeadLetterAddress(SimpleString.of(DeadLetterQueue.QUEUE))
                    .setMaxDeliveryAttempts(MAX_DELIVERY_ATTEMPTS)
                    .setRedeliveryDelay(5_000)
                    .setRedeliveryMultiplier(4)
                    .setMaxRedeliveryDelay(600_000));
            configuration.addAddressSetting(DeadLetterQueue.QUEUE, new AddressSettings()
                    .setMaxDeliveryAttempts(-1)
                    .setRedeliveryDelay(0));
        };
    }
}
