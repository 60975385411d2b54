package io.chatopshub.alerts;

import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import org.apache.camel.Exchange;

/**
 * The last try of an alert: the broker's last delivery (the hub's brokers deliver a message
 * {@value #BROKER_DELIVERIES} times) and its last in-process retry ({@value #IN_PROCESS_RETRIES}).
 * A transient failure then is final; turned into a {@link PermanentFailureException} it is
 * parked by the hub's dead-letter handling, which tells the ops channel, instead of slipping
 * into the dead-letter queue unnoticed.
 */
public final class LastAttempt {

    static final int BROKER_DELIVERIES = 6;
    static final int IN_PROCESS_RETRIES = 5;

    private LastAttempt() {
    }

    public static boolean isLast(Exchange exchange) {
        int deliveries = exchange.getIn().getHeader("JMSXDeliveryCount", 1, Integer.class);
        int retries = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        return deliveries >= BROKER_DELIVERIES && retries >= IN_PROCESS_RETRIES;
    }

    public static PermanentFailureException givenUp(TransientFailureException e) {
        return new PermanentFailureException("retries_exhausted", "gave up after " + BROKER_DELIVERIES
                + " deliveries with " + IN_PROCESS_RETRIES + " retries each: " + e.getMessage());
    }
}
