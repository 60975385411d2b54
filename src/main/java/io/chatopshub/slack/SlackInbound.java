package io.chatopshub.slack;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.InvalidSignatureException;
import io.chatopshub.system.Json;
import io.chatopshub.system.QueryStrings;
import io.chatopshub.system.RawBody;
import io.chatopshub.system.inbound.Delivery;
import io.chatopshub.system.inbound.Delivery.Answer;
import io.chatopshub.system.inbound.InboundKind;
import io.chatopshub.system.inbound.InboundRequest;

/**
 * The Slack edge: the three inbound kinds {@link #events()}, {@link #commands()} and
 * {@link #interactions()} share one signature check over the raw bytes, then each reads just
 * enough of its request to name it (its delivery id for de-duplication) and turns it into the JSON
 * message that is queued. Nothing here does the work the request asks for.
 *
 * <p>The kinds' {@code read} methods take payloads that are already trusted, which is how a Slack
 * Socket Mode envelope is read: {@code events().read(InboundRequest.ofBody(json))} (or
 * {@link #readCommandFields} and {@link #readInteractionPayload}, whose envelopes carry JSON
 * rather than a form), then {@code inboundEdge.queue("slackEvents", "chatops.slack.events", delivery)}.
 */
@Component("slackInbound")
public class SlackInbound {

    public static final String DELIVERY_ID = "ChatopsDeliveryId";
    public static final String SLACK_TYPE = "ChatopsSlackType";

    private final SlackSignatureVerifier verifier;
    private final List<InteractionScreen> screens;
    private final InboundKind events = new Events();
    private final InboundKind commands = new Commands();
    private final InboundKind interactions = new Interactions();

    SlackInbound(SlackProperties properties, Clock clock, List<InteractionScreen> screens) {
        this.verifier = properties.hasSigningSecret() ? new SlackSignatureVerifier(properties.signingSecret(), clock)
                : null;
        this.screens = List.copyOf(screens);
    }

    /** {@code POST /slack/events}: the Events API (JSON). */
    public InboundKind events() {
        return events;
    }

    /** {@code POST /slack/commands}: slash commands (form). */
    public InboundKind commands() {
        return commands;
    }

    /** {@code POST /slack/interactions}: buttons and other interactivity (form field {@code payload}). */
    public InboundKind interactions() {
        return interactions;
    }

    /** Refuses the request unless it carries a valid, fresh v0 signature over its raw bytes. */
    void verify(InboundRequest request) {
        if (verifier == null) {
            throw new InvalidSignatureException("chatops.slack.signing-secret is not configured");
        }
        verifier.verify(request.header("X-Slack-Request-Timestamp"), request.header("X-Slack-Signature"),
                request.body());
    }

    /**
     * Events API: {@code url_verification} is answered with its challenge; {@code event_callback}
     * is queued under its {@code event_id}; any other type is answered and ignored.
     *
     * <p>A mention or direct message the hub would answer is refused without the channel the
     * answer goes to, the person who wrote it or its timestamp: Slack always names them, and
     * queued without them the answer could only fail later, go outside the thread, or be decided
     * for nobody. Events the hub ignores are not looked into.
     */
    public static Delivery readEvent(String json) {
        ObjectNode root = Json.readObject(json);
        String type = Json.text(root, "type");
        if ("url_verification".equals(type)) {
            String challenge = Json.text(root, "challenge");
            if (challenge == null) {
                throw new BadRequestException("url_verification without a challenge");
            }
            return Delivery.answerOnly(Answer.json(200, Json.write(Map.of("challenge", challenge))));
        }
        if ("event_callback".equals(type)) {
            String eventId = Json.text(root, "event_id");
            if (eventId == null || eventId.isBlank() || !(root.get("event") instanceof ObjectNode)) {
                throw new BadRequestException("event_callback without event_id or event");
            }
            if (SlackEvent.from(root).isAnswered()) {
                JsonNode event = root.get("event");
                List<String> missing = new ArrayList<>();
                if (!Json.isText(event.get("channel"))) {
                    missing.add("event.channel, the channel id its answer goes to");
                }
                if (!Json.isText(event.get("user"))) {
                    missing.add("event.user, the person it answers and whose permissions are checked");
                }
                if (!Json.isText(event.get("ts"))) {
                    missing.add("event.ts, the message whose thread the answer goes to");
                }
                if (!missing.isEmpty()) {
                    throw new BadRequestException("event_callback " + Json.text(root, "event", "type") + " needs "
                            + String.join("; ", missing));
                }
            }
            return Delivery.queued("slack:event:" + eventId, root.toString(), Map.of(SLACK_TYPE, type),
                    Answer.EMPTY_200);
        }
        return Delivery.answerOnly(Answer.EMPTY_200);
    }

    /**
     * Slash commands: the form fields as a JSON object; the delivery id is the {@code trigger_id}.
     * The answer is what the command's route replies ({@link SlackCommands}).
     */
    static Delivery readCommand(String form) {
        return readCommandFields(QueryStrings.parseSingle(form));
    }

    /** A slash command's fields (Socket Mode delivers them as a JSON object rather than a form). */
    public static Delivery readCommandFields(Map<String, String> fields) {
        String command = fields.get("command");
        String triggerId = fields.get("trigger_id");
        if (command == null || command.isBlank() || triggerId == null || triggerId.isBlank()) {
            throw new BadRequestException("a slash command needs command and trigger_id");
        }
        return Delivery.queued("slack:command:" + triggerId, Json.write(new LinkedHashMap<>(fields)),
                Map.of(SLACK_TYPE, "command"), new Answer(200, "application/json", null));
    }

    /**
     * Interactivity: the {@code payload} JSON. A button press is identified by the message it
     * belongs to, the action and the user, so a double click acts once.
     */
    Delivery readInteraction(String form) {
        String payload = QueryStrings.parseSingle(form).get("payload");
        if (payload == null) {
            throw new BadRequestException("an interaction needs a payload field");
        }
        return readInteractionPayload(payload);
    }

    /**
     * An interaction payload as JSON (Socket Mode delivers it without the form around it). The
     * {@link InteractionScreen}s see it first: one may answer it at once (nothing is queued then).
     */
    public Delivery readInteractionPayload(String payload) {
        ObjectNode root = Json.readObject(payload);
        String type = Json.text(root, "type");
        if (type == null) {
            throw new BadRequestException("an interaction payload needs a type");
        }
        for (InteractionScreen screen : screens) {
            var answer = screen.screen(root);
            if (answer.isPresent()) {
                return Delivery.answerOnly(Answer.json(200, answer.get()));
            }
        }
        return Delivery.queued(interactionId(type, root), root.toString(), Map.of(SLACK_TYPE, type),
                Answer.EMPTY_200);
    }

    /**
     * For routes that read a trusted Slack payload from an exchange (Socket Mode): sets
     * {@value #SLACK_TYPE}, {@value #DELIVERY_ID} and the queued body, as the HTTP edge does.
     */
    public void event(Exchange exchange) {
        apply(exchange, readEvent(RawBody.asString(exchange)));
    }

    /** Like {@link #event} for a slash command's form body. */
    public void command(Exchange exchange) {
        apply(exchange, readCommand(RawBody.asString(exchange)));
    }

    /** Like {@link #event} for an interaction's form body. */
    public void interaction(Exchange exchange) {
        apply(exchange, readInteraction(RawBody.asString(exchange)));
    }

    private static void apply(Exchange exchange, Delivery delivery) {
        Message in = exchange.getIn();
        if (!delivery.isQueued()) {
            in.setHeader(SLACK_TYPE, "url_verification");
            in.setBody(delivery.answer().body());
            return;
        }
        delivery.fields().forEach(in::setHeader);
        in.setHeader(DELIVERY_ID, delivery.id());
        in.setBody(delivery.body());
    }

    /**
     * The delivery id of an interaction: a button press by the message, the action and the user
     * (a double click acts once), anything else by its trigger_id.
     *
     * @throws BadRequestException when the payload lacks what names it
     */
    public static String interactionId(String type, JsonNode root) {
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

    private abstract class SignedKind implements InboundKind {

        @Override
        public void verify(InboundRequest request) {
            SlackInbound.this.verify(request);
        }
    }

    private final class Events extends SignedKind {

        @Override
        public Delivery read(InboundRequest request) {
            return readEvent(request.text());
        }

        @Override
        public List<MediaType> mediaTypes() {
            return List.of(MediaType.APPLICATION_JSON);
        }
    }

    private final class Commands extends SignedKind {

        @Override
        public Delivery read(InboundRequest request) {
            return readCommand(request.text());
        }

        @Override
        public List<MediaType> mediaTypes() {
            return List.of(MediaType.APPLICATION_FORM_URLENCODED);
        }
    }

    private final class Interactions extends SignedKind {

        @Override
        public Delivery read(InboundRequest request) {
            return readInteraction(request.text());
        }

        @Override
        public List<MediaType> mediaTypes() {
            return List.of(MediaType.APPLICATION_FORM_URLENCODED);
        }
    }
}
