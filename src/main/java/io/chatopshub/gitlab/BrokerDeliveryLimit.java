package io.chatopshub.gitlab;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * How many times the broker delivers a message of a queue before it dead-letters it. Read from
 * the embedded broker's own address settings, so "the last delivery" means what the broker
 * means, whatever an operator configured. An external broker cannot be asked; it is expected to
 * carry the hub's documented setting of {@value #HUB_DEFAULT} attempts.
 */
final class BrokerDeliveryLimit {

    static final int HUB_DEFAULT = 6;

    private final EmbeddedActiveMQ embedded;

    /** @param embedded the embedded broker, or null with an external one */
    BrokerDeliveryLimit(EmbeddedActiveMQ embedded) {
        this.embedded = embedded;
    }

    /** A value of 0 or less means the broker never gives up. */
    int maxDeliveryAttempts(String queue) {
        ActiveMQServer server = embedded == null ? null : embedded.getActiveMQServer();
        if (server == null) {
            return HUB_DEFAULT;
        }
        AddressSettings settings = server.getAddressSettingsRepository().getMatch(queue);
        return settings == null ? HUB_DEFAULT : settings.getMaxDeliveryAttempts();
    }
}
