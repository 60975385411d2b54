package io.chatopshub.system.inbound;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import io.chatopshub.ops.DeliveryIdCapture;
import io.chatopshub.system.BodyTooLargeException;
import io.chatopshub.system.UnsupportedMediaTypeException;

/**
 * The Java half of the route templates in {@code routes/inbound/edge.camel.yaml}: turns a request
 * into a {@link Delivery} through its {@link InboundKind}, leaves on the exchange only what the
 * edge decided (the allow-list of headers), and writes the answer.
 *
 * <p>Every header the sender sent is dropped before anything is queued: a client cannot set
 * {@code ChatopsAlertTick}, {@code JMSXGroupID} or {@code _AMQ_SCHED_DELIVERY} on a queued
 * message, because only {@value #DELIVERY_ID}, {@value #KIND} and the delivery's own fields are
 * put back.
 */
@Component("inboundEdge")
public class InboundEdge {

    public static final String DELIVERY_ID = "ChatopsDeliveryId";
    public static final String KIND = "ChatopsKind";
    /** Exchange property: the {@link Delivery}. */
    public static final String DELIVERY = "ChatopsDelivery";
    /** Exchange property: the queue the delivery goes to. */
    public static final String QUEUE = "ChatopsQueue";
    /** Exchange property: true when the delivery is to be queued. */
    public static final String QUEUED = "ChatopsQueued";

    static final String QUEUE_ROUTE = "direct:inbound-queue-delivery";
    static final String COMMAND_ROUTE = "direct:inbound-run-command";

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final DurableWrites durableWrites;
    private final Map<String, InboundKind> kinds = new ConcurrentHashMap<>();

    InboundEdge(CamelContext camel, ProducerTemplate producer, DurableWrites durableWrites) {
        this.camel = camel;
        this.producer = producer;
        this.durableWrites = durableWrites;
    }

    /**
     * Checks the media type and size the kind accepts, verifies and reads the request, and leaves
     * the delivery on the exchange for the template's next steps.
     */
    public void receive(Exchange exchange, String kindName, String queue) {
        InboundKind kind = kind(kindName);
        InboundRequest request = InboundRequest.of(exchange);
        // a sender's own ChatopsDeliveryId header is not the delivery's id, not even in the log
        exchange.removeProperty(DeliveryIdCapture.PROPERTY);
        exchange.getMessage().removeHeader(DELIVERY_ID);
        publish(exchange, kindName, queue, accept(kind, request));
    }

    /**
     * What the edge asks of every request before the template goes on: a media type and size the
     * kind takes, then the kind's verification and reading (the edge's, and the early edge's while
     * the hub starts).
     *
     * @throws UnsupportedMediaTypeException for a media type the kind does not take
     * @throws BodyTooLargeException for a body over the kind's limit
     */
    public static Delivery accept(InboundKind kind, InboundRequest request) {
        checkMediaType(kind.mediaTypes(), request.method(), request.header("Content-Type"));
        if (request.body().length > kind.maxBodySize()) {
            throw new BodyTooLargeException(kind.maxBodySize());
        }
        return kind.accept(request);
    }

    /** Writes the delivery's answer; for a slash command the body the command's route produced. */
    public void answer(Exchange exchange) {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        Message message = exchange.getMessage();
        Object body = delivery.answer().body() == null ? message.getBody() : delivery.answer().body();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, delivery.answer().status());
        if (delivery.answer().contentType() != null) {
            message.setHeader(Exchange.CONTENT_TYPE, delivery.answer().contentType());
        }
        message.setBody(body);
    }

    /**
     * De-duplicates and durably queues a delivery that was read outside HTTP, e.g. from a Slack
     * Socket Mode envelope (whose connection already proves the sender): the same route the HTTP
     * endpoints use. Returns normally once the broker has confirmed the write (or the delivery was
     * a duplicate); throws when it could not be queued, and then nothing is claimed, so the
     * sender's retry is taken as new.
     *
     * @return true when queued now, false when the delivery id was already seen
     */
    public boolean queue(String kindName, String queue, Delivery delivery) {
        if (!delivery.isQueued()) {
            return false;
        }
        Exchange result = send(QUEUE_ROUTE, kindName, queue, delivery);
        return !Boolean.TRUE.equals(result.getProperty(Exchange.DUPLICATE_MESSAGE, Boolean.class));
    }

    /**
     * Runs a slash command read outside HTTP (Socket Mode) the way the edge runs one from
     * {@code /slack/commands} ({@code then: direct:inbound-run-command}): claimed once, its route
     * runs and queues its work, and the reply is returned.
     *
     * @return the reply (Slack's JSON answer to the command)
     */
    public String runCommand(String kindName, Delivery delivery) {
        return send(COMMAND_ROUTE, kindName, "", delivery).getMessage().getBody(String.class);
    }

    private Exchange send(String route, String kindName, String queue, Delivery delivery) {
        Exchange exchange = camel.getEndpoint(route).createExchange();
        publish(exchange, kindName, queue, delivery);
        Exchange result = producer.send(route, exchange);
        if (result.getException() != null) {
            durableWrites.failed(result.getException());
            throw result.getException() instanceof RuntimeException r ? r
                    : new IllegalStateException(result.getException().getMessage(), result.getException());
        }
        return result;
    }

    /** The kind registered under {@code name}. */
    public InboundKind kind(String name) {
        return kinds.computeIfAbsent(name, n -> {
            InboundKind kind = camel.getRegistry().lookupByNameAndType(n, InboundKind.class);
            if (kind == null) {
                throw new IllegalStateException("no InboundKind bean named " + n);
            }
            return kind;
        });
    }

    static void publish(Exchange exchange, String kindName, String queue, Delivery delivery) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        exchange.setProperty(DELIVERY, delivery);
        exchange.setProperty(QUEUED, delivery.isQueued());
        if (!delivery.isQueued()) {
            message.setBody(null);
            return;
        }
        exchange.setProperty(QUEUE, delivery.queue() != null ? delivery.queue() : queue);
        message.setHeader(DELIVERY_ID, delivery.id());
        message.setHeader(KIND, kindName);
        delivery.fields().forEach(message::setHeader);
        message.setBody(delivery.body());
    }

    /**
     * Refuses a POST whose Content-Type is none of {@code accepted} (type and subtype; an empty
     * list takes anything): the edge's check, and the early edge's while the hub starts.
     *
     * @throws UnsupportedMediaTypeException with the 415's message
     */
    public static void checkMediaType(List<MediaType> accepted, String method, String header) {
        if (accepted.isEmpty() || !"POST".equalsIgnoreCase(method)) {
            return;
        }
        boolean ok = false;
        if (header != null) {
            try {
                MediaType type = MediaType.parseMediaType(header);
                ok = accepted.stream().anyMatch(type::equalsTypeAndSubtype);
            } catch (IllegalArgumentException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new UnsupportedMediaTypeException("This endpoint accepts " + accepted + " only.");
        }
    }
}
