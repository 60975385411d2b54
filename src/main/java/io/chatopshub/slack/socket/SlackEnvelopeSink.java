package io.chatopshub.slack.socket;

/**
 * The one seam between Socket Mode and the hub's Slack edge: "here is a Slack payload that came
 * over an authenticated connection; take it as the HTTP endpoint would, and say what to answer".
 * Socket Mode knows nothing else of the edge, so the edge can change behind this method.
 *
 * <p>The contract is the HTTP endpoint's: the payload is de-duplicated by the same delivery id
 * and durably queued (or, for a slash command, answered) before this returns. Throwing means it
 * was not accepted, so the envelope is not acknowledged and Slack delivers it again.
 */
@FunctionalInterface
public interface SlackEnvelopeSink {

    /**
     * @param kind which endpoint this payload would have reached
     * @param payloadJson the envelope's {@code payload}, as JSON
     * @return the JSON to acknowledge with ({@code payload} of the ack), or null for a bare ack
     * @throws io.chatopshub.system.BadRequestException when the payload is malformed; retrying cannot help
     */
    String accept(EnvelopeKind kind, String payloadJson);
}
