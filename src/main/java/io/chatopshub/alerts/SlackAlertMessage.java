package io.chatopshub.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A ready-to-send Slack message: {@code text} is the notification and fallback line,
 * {@code blocks} the Block Kit body, {@code color} the bar colour Slack only shows on attachments.
 */
public record SlackAlertMessage(String text, String color, ArrayNode blocks) {

    /** {@code [{"color": …, "blocks": …}]}, for senders that want the coloured bar. */
    public ArrayNode attachments() {
        ArrayNode attachments = JsonNodeFactory.instance.arrayNode();
        ObjectNode attachment = attachments.addObject();
        attachment.put("color", color);
        attachment.set("blocks", blocks.deepCopy());
        return attachments;
    }

    /** {@code {"text": …, "blocks": …}}, the body of {@code chat.postMessage} or an incoming webhook. */
    public ObjectNode payload() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("text", text);
        payload.set("blocks", blocks.deepCopy());
        return payload;
    }
}
