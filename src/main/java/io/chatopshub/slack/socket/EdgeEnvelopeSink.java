package io.chatopshub.slack.socket;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.chatopshub.slack.SlackInbound;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.Json;
import io.chatopshub.system.inbound.Delivery;
import io.chatopshub.system.inbound.InboundEdge;

/**
 * Socket Mode payloads through the one inbound edge: read by the same Slack kinds as the HTTP
 * endpoints (only the signature check is left out: Slack authenticated the connection with the
 * app token), then claimed and durably queued by {@link InboundEdge#queue}, or for a slash command
 * run by {@link InboundEdge#runCommand}, exactly as {@code routes/inbound/endpoints.camel.yaml}
 * does for HTTP. The kind names are those of the HTTP endpoints, so a delivery that arrives over
 * HTTP and over a socket is still done once.
 */
class EdgeEnvelopeSink implements SlackEnvelopeSink {

    private final SlackInbound slack;
    private final InboundEdge edge;

    EdgeEnvelopeSink(SlackInbound slack, InboundEdge edge) {
        this.slack = slack;
        this.edge = edge;
    }

    @Override
    public String accept(EnvelopeKind kind, String payloadJson) {
        return switch (kind) {
            case EVENTS_API -> {
                edge.queue("slackEvents", "chatops.slack.events", SlackInbound.readEvent(payloadJson));
                yield null;
            }
            case SLASH_COMMANDS -> edge.runCommand("slackSlashCommands",
                    SlackInbound.readCommandFields(commandFields(payloadJson)));
            case INTERACTIVE -> {
                Delivery delivery = slack.readInteractionPayload(payloadJson);
                if (!delivery.isQueued()) {
                    String answer = delivery.answer().body();
                    yield answer == null || answer.isBlank() ? null : answer;
                }
                edge.queue("slackInteractions", "chatops.slack.interactions", delivery);
                yield null;
            }
        };
    }

    /** A slash command arrives over the socket as a JSON object of the form's fields. */
    static Map<String, String> commandFields(String payloadJson) {
        ObjectNode fields = Json.readObject(payloadJson);
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isContainerNode()) {
                throw new BadRequestException("slash command field " + field.getKey() + " is not a plain value");
            }
            out.put(field.getKey(), value.isNull() ? "" : value.asText());
        }
        return out;
    }
}
