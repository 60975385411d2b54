package io.chatopshub.slack;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.slack.api.util.json.GsonFactory;

/**
 * Block Kit objects of the Slack SDK ({@code com.slack.api.model.block.*},
 * {@code com.slack.api.model.view.*}) as the JSON Slack reads: the SDK's snake_case Gson, without
 * Gson's HTML escaping, so mrkdwn such as {@code <@U123>} travels as written.
 */
public final class BlockKit {

    private static final Gson GSON = GsonFactory.createSnakeCase().newBuilder().disableHtmlEscaping().create();

    private BlockKit() {
    }

    public static String json(Object blocks) {
        return GSON.toJson(blocks);
    }

    /** The same JSON as a Gson tree, to place inside a larger payload. */
    public static JsonElement tree(Object blocks) {
        return GSON.toJsonTree(blocks);
    }
}
