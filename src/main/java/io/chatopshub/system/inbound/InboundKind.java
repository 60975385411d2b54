package io.chatopshub.system.inbound;

import java.util.List;

import org.springframework.http.MediaType;

/**
 * One kind of inbound delivery (Slack events, a Mackerel webhook, ...): everything the edge needs
 * to know about it, in one place. The route template {@code inbound-edge} (routes/inbound/
 * edge.camel.yaml) does the rest the same way for every kind: media type and size checks,
 * {@link #verify}, {@link #read}, de-duplication on {@link Delivery#id()}, the durable queue and
 * the answer. Nothing a kind does may depend on work being done: the work happens after the
 * answer, on the queue.
 *
 * <p>A kind is a Spring bean; an endpoint names it in its {@code templatedRoute}.
 */
public interface InboundKind {

    /**
     * Refuses a request that does not prove where it comes from (a signature over the raw bytes,
     * or a token), with {@link io.chatopshub.system.InvalidSignatureException}.
     */
    void verify(InboundRequest request);

    /**
     * Names the delivery of a request that is already trusted, and says what is queued and
     * answered. Separate from {@link #verify} so that a payload that arrived over an already
     * authenticated channel (Slack Socket Mode) is read the same way.
     *
     * @throws io.chatopshub.system.BadRequestException when the body cannot be understood
     */
    Delivery read(InboundRequest request);

    /** What the edge calls for an HTTP request: verify, then read. */
    default Delivery accept(InboundRequest request) {
        verify(request);
        return read(request);
    }

    /** The Content-Types a POST may carry; anything else is refused with 415. Empty: any. */
    default List<MediaType> mediaTypes() {
        return List.of();
    }

    /**
     * The largest body this kind accepts, when smaller than {@code chatops.http.max-body-size}
     * (which is enforced for every kind while the body is read).
     */
    default long maxBodySize() {
        return Long.MAX_VALUE;
    }
}
