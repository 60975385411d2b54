package io.chatopshub.system;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.chatopshub.system.inbound.DurableWrites;

/**
 * Turns whatever stopped an inbound request into its answer: 401 for a bad signature or token,
 * 415 and 413 for a media type or size the endpoint does not take, 400 for a body that cannot be
 * understood, 503 when the hub itself cannot accept work right now
 * (the sender should try again). The body is always the hub's JSON error, never a stack trace.
 */
@Component("inboundErrors")
public class InboundErrors {

    private static final Logger LOG = LoggerFactory.getLogger(InboundErrors.class);

    private final DurableWrites durableWrites;

    InboundErrors(DurableWrites durableWrites) {
        this.durableWrites = durableWrites;
    }

    /** The answer to a request the hub refuses: its status and the JSON error's code. */
    public record Refusal(int status, String error) {
    }

    /**
     * The 4xx a failure means (a bad signature or token, a media type or size not taken, a body
     * that cannot be understood), or null when it is the hub's own (then 503): the edge's mapping,
     * and the early edge's while the hub starts.
     */
    public static Refusal refusal(Throwable failure) {
        if (failure instanceof InvalidSignatureException) {
            return new Refusal(401, "unauthorized");
        } else if (failure instanceof UnsupportedMediaTypeException) {
            return new Refusal(415, "unsupported_media_type");
        } else if (failure instanceof BodyTooLargeException) {
            return new Refusal(413, "body_too_large");
        } else if (failure instanceof BadRequestException) {
            return new Refusal(400, "bad_request");
        }
        return null;
    }

    /** Artemis' refusal of a send to an address that is full (its disk over max-disk-usage, or its memory). */
    static boolean addressFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.activemq.artemis.api.core.ActiveMQAddressFullException
                    || String.valueOf(t.getMessage()).contains("AMQ219058")) {
                return true;
            }
        }
        return false;
    }

    public void answer(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String error;
        String message;
        Refusal refusal = refusal(failure);
        if (refusal != null) {
            status = refusal.status();
            error = refusal.error();
            message = failure.getMessage();
        } else {
            status = 503;
            error = "unavailable";
            durableWrites.failed(failure);
            message = "The request could not be accepted right now; try again.";
            Object deliveryId = exchange.getIn().getHeader("ChatopsDeliveryId");
            if (addressFull(failure)) {
                // a full journal disk is the documented, expected refusal (readiness says so): one
                // line per request, without the broker's stack trace
                LOG.warn("route {} could not accept delivery {}: the broker refused it, its journal disk or memory"
                        + " is full ({})", exchange.getFromRouteId(), deliveryId, Secrets.mask(String.valueOf(failure)));
            } else if (failure instanceof TransientFailureException) {
                // a service the check needs did not answer (an SNS certificate host, DynamoDB): an outage
                // outside the hub that the sender's retry outlives, one line per request
                LOG.warn("route {} could not accept delivery {} right now, the sender will retry: {}",
                        exchange.getFromRouteId(), deliveryId, Secrets.mask(String.valueOf(failure.getMessage())));
            } else {
                LOG.error("route {} could not accept delivery {}: {}", exchange.getFromRouteId(), deliveryId,
                        Secrets.mask(String.valueOf(failure)), failure);
            }
        }
        if (status < 500) {
            LOG.info("route {} refused a request: {} {}", exchange.getFromRouteId(), status, Secrets.mask(message));
        }
        var in = exchange.getMessage();
        in.removeHeaders("*");
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        in.setBody(ErrorResponses.body(error, message));
    }
}
