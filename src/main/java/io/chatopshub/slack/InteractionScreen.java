package io.chatopshub.slack;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A look at an interaction payload at the edge, before the durable write, for the few
 * interactions Slack wants answered in the HTTP answer itself (a modal's validation errors,
 * {@code response_action: errors}). A screen may also rewrite fields of the payload in place (seal
 * a secret value) so they never reach the queue in clear.
 */
public interface InteractionScreen {

    /**
     * @return the JSON answer to send at once instead of queueing the interaction; empty to queue it
     */
    Optional<String> screen(ObjectNode payload);
}
