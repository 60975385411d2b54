package io.chatopshub.ops;

import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.springframework.boot.actuate.health.Health;

/**
 * Whether the embedded broker can keep another message. When it cannot, every send fails at
 * once (address-full-policy FAIL), so the hub is not ready to take requests.
 */
final class JournalSpace {

    private JournalSpace() {
    }

    /** DOWN with the reason, or null when there is room. */
    static Health health(ActiveMQServer server) {
        PagingManager paging = server.getPagingManager();
        if (paging == null) {
            return null;
        }
        if (paging.isDiskFull()) {
            return Health.down().withDetail("reason", "the broker's journal disk is fuller than max-disk-usage ("
                    + server.getConfiguration().getMaxDiskUsage() + "%); new requests are answered 503").build();
        }
        if (paging.isGlobalFull()) {
            return Health.down().withDetail("reason",
                    "the broker's memory for queued messages is full; new requests are answered 503").build();
        }
        return null;
    }
}
