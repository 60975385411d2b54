package io.chatopshub.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.chatopshub.system.Json;
import io.chatopshub.system.RouteDispatcher;

/**
 * The hub's side of a conversation: what it answers to mentions and direct messages, and the
 * {@code /test} command that shows buttons working end to end. Routes decide which of these
 * runs; the texts and Slack calls live here.
 */
@Component("slackConversation")
public class SlackConversation {

    public static final String EVENT_KIND = "ChatopsEventKind";
    public static final String MENTION_ROUTE_PREFIX = "slack-mention-";
    public static final String COMMAND_ROUTE_PREFIX = "slack-command-";

    private static final Logger LOG = LoggerFactory.getLogger(SlackConversation.class);

    private final SlackClient slack;
    private final RouteDispatcher routes;
    private final ObjectProvider<HelpContributor> helpContributors;

    SlackConversation(SlackClient slack, RouteDispatcher routes, ObjectProvider<HelpContributor> helpContributors) {
        this.slack = slack;
        this.routes = routes;
        this.helpContributors = helpContributors;
    }

    /**
     * Reads a queued event: the body becomes a {@link SlackEvent}, {@value #EVENT_KIND} says
     * {@code mention}, {@code dm}, {@code home} (the Home tab was opened) or {@code ignore}, and the Slack* headers name who, where and what.
     */
    public void classify(Exchange exchange) {
        SlackEvent event = SlackEvent.from(exchange.getIn().getBody(String.class));
        Message in = exchange.getIn();
        in.setBody(event);
        String kind = event.fromBot() ? "ignore"
                : event.isHomeTabOpened() ? "home"
                : event.isMention() ? "mention" : event.isDirectMessage() ? "dm" : "ignore";
        in.setHeader(EVENT_KIND, kind);
        in.setHeader(SlackHeaders.TEAM_ID, event.teamId());
        in.setHeader(SlackHeaders.CHANNEL_ID, event.channel());
        in.setHeader(SlackHeaders.USER_ID, event.user());
        in.setHeader(SlackHeaders.TEXT, event.textWithoutMentions());
        in.setHeader(SlackHeaders.TS, event.ts());
        in.setHeader(SlackHeaders.THREAD_TS, event.replyThread());
        in.setHeader(SlackHeaders.MENTION_KEYWORD, event.keyword());
        in.setHeader(SlackHeaders.EVENT_ID, event.eventId());
    }

    /** A mention containing よろ gets a friendly answer in its thread. */
    public void greet(SlackEvent event) {
        slack.postMessage(event.channel(), event.replyThread(),
                "<@" + event.user() + "> よろしくお願いします！ :wave: Mention me with `help` to see what I can do here.",
                null);
    }

    /** Any other mention: what the hub can do in this channel. */
    public void help(SlackEvent event) {
        slack.postMessage(event.channel(), event.replyThread(), helpText(event.teamId(), event.channel(), event.user()),
                null);
    }

    String helpText(String team, String channel, String user) {
        List<String> lines = new ArrayList<>();
        helpContributors.orderedStream().forEach(c -> lines.addAll(c.helpLines(team, channel, user)));
        for (Route route : routes.routesWithPrefix(MENTION_ROUTE_PREFIX)) {
            String keyword = route.getRouteId().substring(MENTION_ROUTE_PREFIX.length());
            String description = route.getDescription();
            lines.add("• `@hub " + keyword + "`" + (description == null ? "" : " – " + description));
        }
        lines.add("• `@hub よろしく` – say hello");
        lines.add("• send me a direct message and I echo it back, with its files and links");
        List<String> commands = routes.routesWithPrefix(COMMAND_ROUTE_PREFIX).stream()
                .map(r -> "`/" + r.getRouteId().substring(COMMAND_ROUTE_PREFIX.length()) + "`").toList();
        if (!commands.isEmpty()) {
            lines.add("• slash commands: " + String.join(", ", commands));
        }
        return "Here is what I can do in this channel:\n" + String.join("\n", lines);
    }

    /** A direct message is echoed back with the names of its files and the links it holds. */
    public void echo(SlackEvent event) {
        var text = new StringBuilder("You said: ").append(event.text() == null || event.text().isBlank()
                ? "(no text)" : event.text());
        if (!event.fileNames().isEmpty()) {
            text.append("\nFiles: ").append(String.join(", ", event.fileNames()));
        }
        List<String> links = event.links();
        if (!links.isEmpty()) {
            text.append("\nLinks: ").append(String.join(" ", links));
        }
        slack.postMessage(event.channel(), null, text.toString(), null);
    }

    /** True when a route {@code slack-mention-<keyword>} exists for the mention's first word. */
    public boolean hasMentionRoute(Exchange exchange) {
        String keyword = exchange.getIn().getHeader(SlackHeaders.MENTION_KEYWORD, String.class);
        return keyword != null && !keyword.isEmpty() && routes.route(MENTION_ROUTE_PREFIX + keyword).isPresent();
    }

    /**
     * Calls the mention's route with the text after the keyword as body; a non-empty String it
     * returns is posted in the mention's thread. A route that leaves the body as it came (one that
     * only queues work or logs) posts nothing, rather than repeating the person's words back.
     */
    public void callMentionRoute(Exchange exchange) {
        SlackEvent event = exchange.getIn().getBody(SlackEvent.class);
        String keyword = exchange.getIn().getHeader(SlackHeaders.MENTION_KEYWORD, String.class);
        Route route = routes.route(MENTION_ROUTE_PREFIX + keyword).orElseThrow();
        String text = event.textWithoutMentions();
        String args = text.length() > keyword.length() ? text.substring(keyword.length()).strip() : "";
        Exchange call = exchange.copy();
        call.getIn().setBody(args);
        Exchange result = routes.call(route, call);
        Object answer = result.getMessage().getBody();
        if (answer instanceof String s && !s.isBlank() && !s.equals(args)) {
            slack.postMessage(event.channel(), event.replyThread(), s, null);
        }
    }

    /** The {@code /test} command: a Block Kit message with two buttons. */
    public String testCommand(Exchange exchange) {
        List<BlockElement> buttons = new ArrayList<>();
        for (String[] choice : new String[][] { { "A", "a", "primary" }, { "B", "b", "danger" } }) {
            buttons.add(ButtonElement.builder().actionId("test.choose." + choice[1]).value(choice[1]).style(choice[2])
                    .text(PlainTextObject.builder().text("Choice " + choice[0]).build()).build());
        }
        List<LayoutBlock> blocks = List.of(
                SectionBlock.builder().text(MarkdownTextObject.builder().text("*chatops-hub test* – pick one:").build()).build(),
                ActionsBlock.builder().blockId("test").elements(buttons).build());
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.put("response_type", "ephemeral");
        answer.put("text", "Pick one to see the round trip work.");
        answer.set("blocks", Json.readObject("{\"blocks\":" + BlockKit.json(blocks) + "}").get("blocks"));
        return answer.toString();
    }

    /** A press of a {@code /test} button replaces the message, through its response_url, with the choice. */
    public void testChoice(Exchange exchange) {
        JsonNode payload = Json.readObject(exchange.getIn().getBody(String.class));
        String user = Json.text(payload, "user", "id");
        String value = Json.text(payload.path("actions").path(0), "value");
        String text = "<@" + user + "> chose *" + (value == null ? "?" : value.toUpperCase(java.util.Locale.ROOT)) + "*.";
        slack.postToUrl("response_url", Json.text(payload, "response_url"),
                Json.write(Map.of("replace_original", true, "text", text)));
        LOG.info("test button {} pressed by {}", value, user);
    }
}
