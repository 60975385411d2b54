package io.chatopshub.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.chatopshub.system.Json;

/**
 * The parts of an Events API delivery the hub acts on, read from the queued JSON.
 *
 * @param botUserId the hub's own user id in that workspace, from {@code authorizations}
 */
public record SlackEvent(String eventId, String teamId, String type, String subtype, String channel,
        String channelType, String user, String botId, String botUserId, String text, String ts, String threadTs,
        List<String> fileNames, JsonNode raw) {

    private static final Pattern LINK = Pattern.compile("<((?:https?|mailto):[^|>]+)(?:\\|[^>]*)?>");
    private static final Pattern MENTION = Pattern.compile("<@[A-Z0-9]+(?:\\|[^>]*)?>");

    public static SlackEvent from(String queuedJson) {
        return from(Json.readObject(queuedJson));
    }

    /** The event of an {@code event_callback} envelope already read. */
    public static SlackEvent from(JsonNode root) {
        JsonNode event = root.path("event");
        String botUserId = null;
        for (JsonNode auth : root.path("authorizations")) {
            if (auth.path("is_bot").asBoolean(false)) {
                botUserId = Json.text(auth, "user_id");
                break;
            }
        }
        List<String> files = new ArrayList<>();
        for (JsonNode file : event.path("files")) {
            String name = Json.text(file, "name");
            if (name != null) {
                files.add(name);
            }
        }
        String team = Json.text(root, "team_id");
        return new SlackEvent(Json.text(root, "event_id"), team == null ? Json.text(event, "team") : team,
                Json.text(event, "type"), Json.text(event, "subtype"), Json.text(event, "channel"),
                Json.text(event, "channel_type"), Json.text(event, "user"), Json.text(event, "bot_id"), botUserId,
                Json.text(event, "text"), Json.text(event, "ts"), Json.text(event, "thread_ts"),
                List.copyOf(files), root);
    }

    /** Posted by a bot: the hub itself or any other app. */
    public boolean fromBot() {
        return botId != null || "bot_message".equals(subtype) || (user != null && user.equals(botUserId));
    }

    public boolean isMention() {
        return "app_mention".equals(type);
    }

    /** A person's message in a direct conversation with the hub (new messages and file shares only). */
    public boolean isDirectMessage() {
        return "message".equals(type) && "im".equals(channelType)
                && (subtype == null || "file_share".equals(subtype));
    }

    /**
     * The hub's Home tab opened. {@code app_home_opened} also comes when a person opens the
     * Messages tab of their conversation with the hub ({@code "tab":"messages"}): nothing to publish
     * then (and an app without the Home tab would have every such publish refused).
     */
    public boolean isHomeTabOpened() {
        return "app_home_opened".equals(type) && !"messages".equals(Json.text(raw.path("event"), "tab"));
    }

    /** A person's mention or direct message: what the hub answers, in the event's channel. */
    public boolean isAnswered() {
        return !fromBot() && (isMention() || isDirectMessage());
    }

    /** The thread to answer in: the thread the message is in, or the message itself. */
    public String replyThread() {
        return threadTs != null ? threadTs : ts;
    }

    /** The text with user mentions removed and whitespace collapsed. */
    public String textWithoutMentions() {
        return text == null ? "" : MENTION.matcher(text).replaceAll(" ").replaceAll("\\s+", " ").strip();
    }

    /** The first word after the mention, lower-cased; empty when there is none. */
    public String keyword() {
        String rest = textWithoutMentions();
        if (rest.isEmpty()) {
            return "";
        }
        String first = rest.split("[\\s\\p{Punct}&&[^_-]]+", 2)[0];
        return first.toLowerCase(java.util.Locale.ROOT);
    }

    /** The URLs in the message text, in order. */
    public List<String> links() {
        List<String> links = new ArrayList<>();
        if (text != null) {
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                links.add(m.group(1));
            }
        }
        return links;
    }
}
