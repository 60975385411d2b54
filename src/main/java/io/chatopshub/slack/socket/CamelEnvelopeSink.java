package io.chatopshub.slack.socket;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.Json;

/**
 * Hands Socket Mode payloads to the routes in {@code routes/slack/slack-socket.camel.yaml}, in the
 * very body an HTTP request would carry (the Events API JSON; a slash command's form; an
 * interaction's {@code payload=} form), so those routes parse them with the same
 * {@code slackInbound} methods as the HTTP edge. Only the signature check is left out: Slack
 * authenticated the connection with the app token.
 */
class CamelEnvelopeSink implements SlackEnvelopeSink {

    static final String EVENTS = "direct:slack-accept-socket-events";
    static final String COMMANDS = "direct:slack-accept-socket-commands";
    static final String INTERACTIONS = "direct:slack-accept-socket-interactions";

    private final ProducerTemplate producer;

    CamelEnvelopeSink(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public String accept(EnvelopeKind kind, String payloadJson) {
        Exchange result = switch (kind) {
            case EVENTS_API -> producer.request(EVENTS, e -> e.getIn().setBody(payloadJson));
            case SLASH_COMMANDS -> producer.request(COMMANDS, e -> e.getIn().setBody(commandForm(payloadJson)));
            case INTERACTIVE -> producer.request(INTERACTIONS,
                    e -> e.getIn().setBody(form(Map.of("payload", payloadJson))));
        };
        if (result.getException() != null) {
            if (result.getException() instanceof RuntimeException e) {
                throw e;
            }
            throw new IllegalStateException(result.getException());
        }
        String answer = result.getMessage().getBody(String.class);
        return answer == null || answer.isBlank() ? null : answer;
    }

    /** A slash command arrives over the socket as a JSON object of the form's fields. */
    static String commandForm(String payloadJson) {
        ObjectNode fields = Json.readObject(payloadJson);
        StringJoiner form = new StringJoiner("&");
        Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isContainerNode()) {
                throw new BadRequestException("slash command field " + field.getKey() + " is not a plain value");
            }
            form.add(encode(field.getKey()) + "=" + encode(value.isNull() ? "" : value.asText()));
        }
        return form.toString();
    }

    private static String form(Map<String, String> fields) {
        StringJoiner form = new StringJoiner("&");
        fields.forEach((k, v) -> form.add(encode(k) + "=" + encode(v)));
        return form.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
