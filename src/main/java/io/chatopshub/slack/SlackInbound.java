package io.chatopshub.slack;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.InvalidSignatureException;
import io.chatopshub.system.Json;
import io.chatopshub.system.QueryStrings;
import io.chatopshub.system.RawBody;

/**
 * The Slack edge, called by the inbound routes: checks the signature over the raw bytes, then
 * reads just enough of the request to name it (its delivery id for de-duplication) and turns it
 * into the JSON message that is queued. Nothing here does the work the request asks for.
 */
@Component("slackInbound")
public class SlackInbound {

    public static final String DELIVERY_ID = "ChatopsDeliveryId";
    public static final String SLACK_TYPE = "ChatopsSlackType";
    public static final String RETRY_NUM = "ChatopsRetryNum";

    private final SlackProperties properties;
    private final SlackSignatureVerifier verifier;

    SlackInbound(SlackProperties properties, Clock clock) {
        this.properties = properties;
        this.verifier = properties.hasSigningSecret() ? new SlackSignatureVerifier(properties.signingSecret(), clock)
                : null;
    }

    /** Refuses the request unless it carries a valid, fresh v0 signature over its raw bytes. */
    public void verify(Exchange exchange) {
        if (verifier == null) {
            throw new InvalidSignatureException("chatops.slack.signing-secret is not configured");
        }
        Message in = exchange.getIn();
        verifier.verify(in.getHeader("X-Slack-Request-Timestamp", String.class),
                in.getHeader("X-Slack-Signature", String.class), RawBody.of(exchange));
        String retry = in.getHeader("X-Slack-Retry-Num", String.class);
        if (retry != null) {
            in.setHeader(RETRY_NUM, retry);
        }
    }

    /**
     * Events API. Sets {@value #SLACK_TYPE}; for {@code url_verification} the body becomes the
     * challenge answer, for {@code event_callback} the delivery id is the {@code event_id}.
     */
    public void event(Exchange exchange) {
        ObjectNode root = Json.readObject(RawBody.of(exchange));
        Message in = exchange.getIn();
        String type = Json.text(root, "type");
        in.setHeader(SLACK_TYPE, type == null ? "unknown" : type);
        if ("url_verification".equals(type)) {
            String challenge = Json.text(root, "challenge");
            if (challenge == null) {
                throw new BadRequestException("url_verification without a challenge");
            }
            in.setBody(Json.write(Map.of("challenge", challenge)));
            in.setHeader(Exchange.CONTENT_TYPE, "application/json");
            return;
        }
        if ("event_callback".equals(type)) {
            String eventId = Json.text(root, "event_id");
            if (eventId == null || eventId.isBlank() || !(root.get("event") instanceof ObjectNode)) {
                throw new BadRequestException("event_callback without event_id or event");
            }
            in.setHeader(DELIVERY_ID, "slack:event:" + eventId);
            in.setBody(root.toString());
        }
    }

    /** Slash commands: the form fields as a JSON object; the delivery id is the {@code trigger_id}. */
    public void command(Exchange exchange) {
        Map<String, String> fields = QueryStrings.parseSingle(RawBody.asString(exchange));
        String command = fields.get("command");
        String triggerId = fields.get("trigger_id");
        if (command == null || command.isBlank() || triggerId == null || triggerId.isBlank()) {
            throw new BadRequestException("a slash command needs command and trigger_id");
        }
        Message in = exchange.getIn();
        in.setHeader(SLACK_TYPE, "command");
        in.setHeader(DELIVERY_ID, "slack:command:" + triggerId);
        in.setBody(Json.write(new LinkedHashMap<>(fields)));
    }

    /**
     * Interactivity: the {@code payload} JSON. A button press is identified by the message it
     * belongs to, the action and the user, so a double click acts once.
     */
    public void interaction(Exchange exchange) {
        Map<String, String> fields = QueryStrings.parseSingle(RawBody.asString(exchange));
        String payload = fields.get("payload");
        if (payload == null) {
            throw new BadRequestException("an interaction needs a payload field");
        }
        ObjectNode root = Json.readObject(payload);
        String type = Json.text(root, "type");
        if (type == null) {
            throw new BadRequestException("an interaction payload needs a type");
        }
        Message in = exchange.getIn();
        in.setHeader(SLACK_TYPE, type);
        in.setHeader(DELIVERY_ID, interactionId(type, root));
        in.setBody(root.toString());
    }

    private static String interactionId(String type, JsonNode root) {
        if ("block_actions".equals(type)) {
            JsonNode action = root.path("actions").path(0);
            String messageTs = Json.text(root, "container", "message_ts");
            if (messageTs == null) {
                messageTs = Json.text(action, "action_ts");
            }
            String actionId = Json.text(action, "action_id");
            String user = Json.text(root, "user", "id");
            if (messageTs == null || actionId == null || user == null) {
                throw new BadRequestException("block_actions without container.message_ts, action_id or user.id");
            }
            return "slack:action:" + messageTs + ":" + actionId + ":" + user;
        }
        String triggerId = Json.text(root, "trigger_id");
        if (triggerId == null) {
            throw new BadRequestException(type + " without trigger_id");
        }
        return "slack:interaction:" + triggerId;
    }
}
