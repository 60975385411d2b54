package io.chatopshub.system.inbound;

import java.util.Map;
import java.util.Objects;

/**
 * What a kind decided about one request: its delivery id (null when nothing is queued), the
 * message body that is queued, the fields that travel with it as headers, and the answer.
 *
 * <p>Fields are the only headers that reach the queue besides {@value InboundEdge#DELIVERY_ID}
 * and {@value InboundEdge#KIND}; their names start with {@code Chatops}, so a worker can tell at a
 * glance that the edge, not the sender, set them.
 *
 * @param queue the queue for this delivery when it differs from the endpoint's (e.g. SNS
 *        subscription confirmations); null for the endpoint's queue
 */
public record Delivery(String id, String body, Map<String, String> fields, String queue, Answer answer) {

    public Delivery {
        Objects.requireNonNull(answer, "answer");
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        for (String name : fields.keySet()) {
            if (!name.startsWith("Chatops")) {
                throw new IllegalArgumentException("a delivery field is named Chatops*: " + name);
            }
        }
        if (id != null && id.isBlank()) {
            throw new IllegalArgumentException("a queued delivery needs an id");
        }
    }

    /** A delivery that is de-duplicated on {@code id}, queued and then answered. */
    public static Delivery queued(String id, String body, Map<String, String> fields, Answer answer) {
        return new Delivery(Objects.requireNonNull(id, "id"), body, fields, null, answer);
    }

    /** A request that is only answered (a handshake, or a kind of delivery the hub ignores). */
    public static Delivery answerOnly(Answer answer) {
        return new Delivery(null, null, Map.of(), null, answer);
    }

    /** The same delivery, queued on {@code otherQueue} instead of the endpoint's queue. */
    public Delivery onQueue(String otherQueue) {
        return new Delivery(id, body, fields, otherQueue, answer);
    }

    public boolean isQueued() {
        return id != null;
    }

    /**
     * The HTTP answer.
     *
     * @param body null keeps the body the route produced (slash commands answer with their route's reply)
     */
    public record Answer(int status, String contentType, String body) {

        public static final Answer EMPTY_200 = new Answer(200, null, "");

        public static Answer json(int status, String json) {
            return new Answer(status, "application/json", json);
        }
    }
}
