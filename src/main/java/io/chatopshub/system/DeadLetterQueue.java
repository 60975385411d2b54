package io.chatopshub.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * The dead-letter queue {@value #QUEUE}: work that failed for good, or kept failing until the
 * broker gave up. Operators look at it, replay it to the queue it came from once the cause is
 * fixed, or purge it, over JMX (Hawtio) or from code.
 */
@Component("deadLetters")
@ManagedResource(objectName = "io.chatopshub:type=DeadLetterQueue", description = "chatops-hub dead-letter queue")
public class DeadLetterQueue {

    public static final String QUEUE = "chatops.dlq";
    public static final String ORIGINAL_QUEUE = "ChatopsOriginalQueue";
    public static final String FAILURE = "ChatopsFailure";
    /** Exchange property set on work this queue took, so logs can tell it from work that succeeded. */
    public static final String PARKED = "ChatopsParked";
    private static final String BROKER_ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueue.class);

    private final JmsTemplate jms;
    private final ObjectProvider<Listener> listeners;

    DeadLetterQueue(ConnectionFactory connectionFactory, ObjectProvider<Listener> listeners) {
        this.listeners = listeners;
        this.jms = new JmsTemplate(connectionFactory);
        this.jms.setSessionTransacted(true);
    }

    /** Parks the exchange's original message, remembering where it came from and why it failed. */
    public void park(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String origin = exchange.getFromEndpoint() instanceof JmsEndpoint endpoint ? endpoint.getDestinationName() : null;
        Map<String, Object> headers = new LinkedHashMap<>();
        exchange.getIn().getHeaders().forEach((k, v) -> {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                headers.put(k, v);
            }
        });
        String reason = Secrets.mask(String.valueOf(failure == null ? "unknown" : failure.getMessage()));
        String id = park(origin, exchange.getIn().getBody(String.class), headers, reason);
        exchange.setProperty(PARKED, true);
        LOG.warn("route {} parked delivery {} in {} as {}: {}", exchange.getFromRouteId(),
                exchange.getIn().getHeader("ChatopsDeliveryId"), QUEUE, id, reason);
        for (Listener listener : listeners.orderedStream().toList()) {
            try {
                listener.parked(exchange, id, reason);
            } catch (RuntimeException e) {
                LOG.warn("{} could not be told about parked message {}: {}", listener.getClass().getSimpleName(), id,
                        Secrets.mask(String.valueOf(e.getMessage())));
            }
        }
    }

    /**
     * Parks a message that is not the one being consumed (one alert out of a batch, say), so it
     * can be replayed to {@code origin} on its own.
     *
     * @return the dead-letter id ({@code JMSMessageID}) to inspect or replay it by
     */
    public String park(String origin, String body, Map<String, Object> headers, String reason) {
        Message[] sent = new Message[1];
        jms.send(QUEUE, session -> {
            Message message = session.createTextMessage(body);
            for (var e : headers.entrySet()) {
                if (isJmsPropertyName(e.getKey())) {
                    message.setObjectProperty(e.getKey(), e.getValue());
                }
            }
            if (origin != null) {
                message.setStringProperty(ORIGINAL_QUEUE, origin);
            }
            message.setStringProperty(FAILURE, reason);
            sent[0] = message;
            return message;
        });
        try {
            return sent[0] == null ? null : sent[0].getJMSMessageID();
        } catch (JMSException e) {
            return null;
        }
    }

    /** Told after work was parked, e.g. to tell a person; a listener's failure never fails the parking. */
    public interface Listener {
        void parked(Exchange exchange, String deadLetterId, String reason);
    }

    @ManagedAttribute(description = "Messages waiting in the dead-letter queue")
    public int getDepth() {
        Integer count = jms.browse(QUEUE, (Session session, QueueBrowser browser) -> Collections.list(browser.getEnumeration()).size());
        return count == null ? 0 : count;
    }

    @ManagedOperation(description = "The oldest parked messages: id, original queue, failure, delivery id")
    @ManagedOperationParameter(name = "max", description = "how many to list")
    public List<String> list(int max) {
        List<String> lines = jms.browse(QUEUE, (Session session, QueueBrowser browser) -> {
            List<String> out = new ArrayList<>();
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements() && out.size() < max) {
                Message m = (Message) messages.nextElement();
                out.add(m.getJMSMessageID() + " from=" + originOf(m) + " delivery="
                        + m.getStringProperty("ChatopsDeliveryId") + " failure=" + m.getStringProperty(FAILURE));
            }
            return out;
        });
        return lines == null ? List.of() : lines;
    }

    @ManagedOperation(description = "Moves every parked message back to the queue it came from; returns how many")
    public int replayAll() {
        return drain(true);
    }

    @ManagedOperation(description = "Deletes every parked message; returns how many")
    public int purge() {
        return drain(false);
    }

    private int drain(boolean replay) {
        Integer moved = jms.execute(session -> {
            int count = 0;
            Queue dlq = session.createQueue(QUEUE);
            try (MessageConsumer consumer = session.createConsumer(dlq)) {
                Message message;
                while ((message = consumer.receive(500)) != null) {
                    String origin = originOf(message);
                    if (replay && origin != null) {
                        try (MessageProducer producer = session.createProducer(session.createQueue(origin))) {
                            producer.send(message);
                        }
                    } else if (replay) {
                        LOG.warn("message {} in {} has no original queue; left out of the replay",
                                message.getJMSMessageID(), QUEUE);
                        session.rollback();
                        break;
                    }
                    session.commit();
                    count++;
                }
            }
            return count;
        }, true);
        int n = moved == null ? 0 : moved;
        LOG.info("{} {} message(s) of {}", replay ? "replayed" : "purged", n, QUEUE);
        return n;
    }

    private static String originOf(Message message) throws JMSException {
        String origin = message.getStringProperty(ORIGINAL_QUEUE);
        return origin != null ? origin : message.getStringProperty(BROKER_ORIGINAL_ADDRESS);
    }

    private static boolean isJmsPropertyName(String name) {
        return !name.isEmpty() && Character.isJavaIdentifierStart(name.charAt(0))
                && name.chars().allMatch(Character::isJavaIdentifierPart) && !name.startsWith("JMS");
    }
}
