package io.chatopshub.alerts;

import java.util.List;

import com.google.gson.JsonObject;
import com.slack.api.model.block.LayoutBlock;

import io.chatopshub.slack.BlockKit;

/**
 * A ready-to-send Slack message: {@code text} is the notification and fallback line,
 * {@code blocks} the Block Kit body as the Slack SDK models it, {@code color} the bar colour Slack
 * only shows on attachments. The SDK's own Gson settings write the blocks, so what is sent is
 * exactly what Slack's API documents.
 */
public record SlackAlertMessage(String text, String color, List<LayoutBlock> blocks) {

    /** The SDK's settings, without Gson's HTML escaping: mrkdwn is already escaped for Slack. */

    public SlackAlertMessage {
        blocks = List.copyOf(blocks);
    }

    /** The {@code blocks} argument of {@code chat.postMessage} and {@code chat.update}. */
    public String blocksJson() {
        return BlockKit.json(blocks);
    }

    /** {@code {"text": …, "blocks": …}}, the body of an incoming webhook. */
    public String payloadJson() {
        JsonObject payload = new JsonObject();
        payload.addProperty("text", text);
        payload.add("blocks", BlockKit.tree(blocks));
        return BlockKit.json(payload);
    }
}
