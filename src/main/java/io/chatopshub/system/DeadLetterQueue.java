package io.chatopshub.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

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
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The dead-letter queue {@value #QUEUE}: work that failed for good, or kept failing until the
 * broker gave up. Operators look at it, replay it to the queue it came from once the cause is
 * fixed, or purge it, over JMX (Hawtio), from Slack ({@code @hub dlq}) or from code.
 *
 * <p>Each parked entry gets a short reference id ({@code DLQ-7F3A9C21}): the one log line about
 * the failure carries it, the person whose work failed is told it, and replay and purge take it.
 * Replay renews the broker's duplicate-detection id ({@code _AMQ_DUPL_ID}): the original id is
 * still in the broker's duplicate cache, so a message sent back with it would be dropped silently.
 */
@Component("deadLetters")
@ManagedResource(objectName = "io.chatopshub:type=DeadLetterQueue", description = "chatops-hub dead-letter queue")
public class DeadLetterQueue {

    public static final String QUEUE = "chatops.dlq";
    public static final String ORIGINAL_QUEUE = "ChatopsOriginalQueue";
    public static final String FAILURE = "ChatopsFailure";
    /** Exchange property set on work this queue took, so logs can tell it from work that succeeded. */
    public static final String PARKED = "ChatopsParked";
    /** The reference id people and operators quote. */
    public static final String REFERENCE = "ChatopsReference";
    public static final String REPLAYED_BY = "ChatopsReplayedBy";
    public static final String REPLAYED_FROM = "ChatopsReplayedFrom";
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    private static final String BROKER_ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";
    private static final String DELIVERY_COUNT = "JMSXDeliveryCount";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueue.class);

    private final JmsTemplate jms;
    private final ObjectProvider<FailureNotice> notices;

    DeadLetterQueue(ConnectionFactory connectionFactory, ObjectProvider<FailureNotice> notices) {
        this.jms = new JmsTemplate(connectionFactory);
        this.jms.setSessionTransacted(true);
        this.jms.setReceiveTimeout(500);
        this.notices = notices;
    }

    /**
     * True on the broker's last delivery of the exchange's message: a transient failure that
     * survived the in-process retries then is parked here (and its person told) instead of being
     * handed back to a broker that would dead-letter it without a reason.
     */
    public boolean isLastDelivery(Exchange exchange) {
        Integer count = exchange.getIn().getHeader(DELIVERY_COUNT, Integer.class);
        return count != null && count >= BrokerConfiguration.MAX_DELIVERY_ATTEMPTS;
    }

    /**
     * Parks the exchange's original message with where it came from, why it failed and a new
     * reference id; logs one line with that id (the stack trace too, once, for failures that are
     * not a known refusal or outage); and tells the person whose work it was.
     */
    public void park(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String origin = exchange.getFromEndpoint() instanceof JmsEndpoint endpoint ? endpoint.getDestinationName() : null;
        String body = exchange.getIn().getBody(String.class);
        Map<String, Object> headers = new LinkedHashMap<>();
        exchange.getIn().getHeaders().forEach((k, v) -> {
            if ((v instanceof String || v instanceof Number || v instanceof Boolean) && isJmsPropertyName(k)
                    && !k.startsWith("_AMQ_")) {
                headers.put(k, v);
            }
        });
        String reason = reasonOf(failure);
        String reference = park(origin, body, headers, reason);
        exchange.setProperty(PARKED, true);
        exchange.setProperty(REFERENCE, reference);
        String line = "work failed for good, reference " + reference + ": route " + exchange.getFromRouteId()
                + ", delivery " + exchange.getIn().getHeader("ChatopsDeliveryId") + ", parked in " + QUEUE + ": " + reason;
        if (isExpected(failure)) {
            LOG.warn(line);
        } else {
            LOG.warn(line, failure);
        }
        tell(exchange, reference, whatFailed(failure));
    }

    /**
     * Parks a message that is not the one being consumed (one alert out of a batch, say), so it
     * can be replayed to {@code origin} on its own.
     *
     * @return the reference id to inspect or replay it by
     */
    public String park(String origin, String body, Map<String, Object> headers, String reason) {
        String reference = newReference();
        jms.send(QUEUE, session -> {
            Message message = session.createTextMessage(body);
            for (var e : headers.entrySet()) {
                message.setObjectProperty(e.getKey(), e.getValue());
            }
            if (origin != null) {
                message.setStringProperty(ORIGINAL_QUEUE, origin);
            }
            message.setStringProperty(FAILURE, reason);
            message.setStringProperty(REFERENCE, reference);
            return message;
        });
        return reference;
    }

    private void tell(Exchange exchange, String reference, String what) {
        for (FailureNotice notice : notices.orderedStream().toList()) {
            try {
                if (notice.tell(exchange, reference, what)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("could not tell the person about {}: {}", reference, Secrets.mask(String.valueOf(e.getMessage())));
                return;
            }
        }
    }

    /** The failure in words a person can read; details stay in the log and the DLQ. */
    static String whatFailed(Throwable failure) {
        if (failure instanceof PermanentFailureException || failure instanceof BadRequestException) {
            return Secrets.mask(String.valueOf(failure.getMessage()));
        }
        if (failure instanceof TransientFailureException || failure instanceof java.io.IOException) {
            return "a service did not answer after several attempts (" + Secrets.mask(String.valueOf(failure.getMessage())) + ")";
        }
        return "an internal error in the hub (" + (failure == null ? "unknown" : failure.getClass().getSimpleName()) + ")";
    }

    private static boolean isExpected(Throwable failure) {
        return failure instanceof PermanentFailureException || failure instanceof BadRequestException
                || failure instanceof TransientFailureException || failure instanceof java.io.IOException;
    }

    private static String reasonOf(Throwable failure) {
        if (failure == null) {
            return "unknown";
        }
        String message = failure.getMessage() == null ? "" : ": " + failure.getMessage();
        return Secrets.mask(failure.getClass().getSimpleName() + message).replaceAll("\\s+", " ");
    }

    static String newReference() {
        return "DLQ-" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toUpperCase(Locale.ROOT);
    }

    @ManagedAttribute(description = "Messages waiting in the dead-letter queue")
    public int getDepth() {
        Integer count = jms.browse(QUEUE, (Session session, QueueBrowser browser) -> Collections.list(browser.getEnumeration()).size());
        return count == null ? 0 : count;
    }

    /** One parked message as operators see it. */
    public record Entry(String id, String origin, String deliveryId, String reason, String replayedBy) {
        @Override
        public String toString() {
            return id + " from=" + origin + " delivery=" + deliveryId + " failure=" + reason
                    + (replayedBy == null ? "" : " replayed-before-by=" + replayedBy);
        }
    }

    /** The oldest parked messages. */
    public List<Entry> entries(int max) {
        List<Entry> entries = jms.browse(QUEUE, (Session session, QueueBrowser browser) -> {
            List<Entry> out = new ArrayList<>();
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements() && out.size() < max) {
                Message m = (Message) messages.nextElement();
                out.add(new Entry(idOf(m), originOf(m), m.getStringProperty("ChatopsDeliveryId"), reasonOf(m),
                        m.getStringProperty(REPLAYED_BY)));
            }
            return out;
        });
        return entries == null ? List.of() : entries;
    }

    @ManagedOperation(description = "The oldest parked messages: id (for replay and purge), original queue, delivery id, failure")
    @ManagedOperationParameter(name = "max", description = "how many to list")
    public List<String> list(int max) {
        return entries(max).stream().map(Entry::toString).toList();
    }

    @ManagedOperation(description = "Moves every parked message back to the queue it came from; returns how many")
    public int replayAll() {
        return drain(null, true, jmxCaller());
    }

    @ManagedOperation(description = "Deletes every parked message; returns how many")
    public int purge() {
        return drain(null, false, jmxCaller());
    }

    @ManagedOperation(description = "Moves one parked message (by the id list shows) back to its queue; returns 1, or 0 when not found")
    @ManagedOperationParameter(name = "id", description = "the DLQ-… reference or message id from list")
    public int replay(String id) {
        return replay(id, jmxCaller());
    }

    @ManagedOperation(description = "Deletes one parked message (by the id list shows); returns 1, or 0 when not found")
    @ManagedOperationParameter(name = "id", description = "the DLQ-… reference or message id from list")
    public int purge(String id) {
        return purge(id, jmxCaller());
    }

    /**
     * Who called an operation over JMX: {@code jmx:<login>} for an operator logged in to the console
     * (Jolokia runs the operation on the operator's own request), else {@code jmx} (a JMX client
     * over RMI, which Spring Security does not see).
     */
    static String jmxCaller() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller != null && caller.isAuthenticated() && !(caller instanceof AnonymousAuthenticationToken)
                ? "jmx:" + caller.getName() : "jmx";
    }

    /** Replays one entry; {@code by} (a Slack user id, {@code jmx:<login>}) is recorded on the message and logged. */
    public int replay(String id, String by) {
        return drain(selectorFor(id), true, by);
    }

    /** Purges one entry; {@code by} is logged. */
    public int purge(String id, String by) {
        return drain(selectorFor(id), false, by);
    }

    private static String selectorFor(String id) {
        String quoted = "'" + id.strip().replace("'", "''") + "'";
        return REFERENCE + " = " + quoted + " OR JMSMessageID = " + quoted;
    }

    private int drain(String selector, boolean replay, String by) {
        Integer moved = jms.execute(session -> {
            int count = 0;
            Queue dlq = session.createQueue(QUEUE);
            try (MessageConsumer consumer = selector == null ? session.createConsumer(dlq) : session.createConsumer(dlq, selector)) {
                Message message;
                while ((message = consumer.receive(500)) != null) {
                    String origin = originOf(message);
                    String id = idOf(message);
                    if (replay && origin == null) {
                        LOG.warn("{} in {} has no original queue; left out of the replay", id, QUEUE);
                        session.rollback();
                        break;
                    }
                    if (replay) {
                        try (MessageProducer producer = session.createProducer(session.createQueue(origin))) {
                            producer.send(renewed(session, message, id, by));
                        }
                    }
                    session.commit();
                    LOG.info("{} {} {} (from {}) by {}", replay ? "replayed" : "purged", id,
                            replay ? "to " + origin : "from " + QUEUE, origin, by);
                    count++;
                    if (selector != null) {
                        break;
                    }
                }
            }
            return count;
        }, true);
        int n = moved == null ? 0 : moved;
        if (selector == null) {
            LOG.info("{} {} message(s) of {} by {}", replay ? "replayed" : "purged", n, QUEUE, by);
        }
        return n;
    }

    /**
     * A fresh copy for the original queue: the body and the hub's own properties, none of the
     * broker's ({@code _AMQ_*}: a past scheduled delivery, the old duplicate-detection id), a new
     * duplicate-detection id when the message had one, and who replayed it.
     */
    private static Message renewed(Session session, Message parked, String id, String by) throws JMSException {
        Message copy;
        if (parked instanceof TextMessage text) {
            copy = session.createTextMessage(text.getText());
        } else if (parked instanceof BytesMessage bytes) {
            byte[] data = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(data);
            BytesMessage out = session.createBytesMessage();
            out.writeBytes(data);
            copy = out;
        } else {
            copy = session.createTextMessage(parked.getBody(String.class));
        }
        for (Object name : Collections.list(parked.getPropertyNames())) {
            String key = (String) name;
            if (!key.startsWith("_AMQ_") && !key.startsWith("JMSX") && !key.equals(FAILURE) && !key.equals(ORIGINAL_QUEUE)) {
                copy.setObjectProperty(key, parked.getObjectProperty(key));
            }
        }
        String duplicateId = parked.getStringProperty(DUPLICATE_ID);
        if (duplicateId != null) {
            copy.setStringProperty(DUPLICATE_ID, duplicateId + ":replay:" + id);
        }
        copy.setStringProperty(REPLAYED_BY, by);
        copy.setStringProperty(REPLAYED_FROM, id);
        return copy;
    }

    private static String idOf(Message message) throws JMSException {
        String reference = message.getStringProperty(REFERENCE);
        return reference != null ? reference : message.getJMSMessageID();
    }

    private static String reasonOf(Message message) throws JMSException {
        String reason = message.getStringProperty(FAILURE);
        if (reason != null) {
            return reason;
        }
        return message.propertyExists(BROKER_ORIGINAL_ADDRESS)
                ? "delivered " + BrokerConfiguration.MAX_DELIVERY_ATTEMPTS + " times without success (given up by the broker)"
                : "unknown";
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
