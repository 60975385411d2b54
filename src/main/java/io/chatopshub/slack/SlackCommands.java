package io.chatopshub.slack;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.chatopshub.system.Json;
import io.chatopshub.system.RouteDispatcher;

/**
 * Answers slash commands. {@code /name} is handled by the route with id
 * {@code slack-command-name}, built in or written by a user, called with the command's fields as
 * headers and its text as body. What the route returns is the answer. A route that takes longer
 * than Slack's three seconds allow gets a holding answer and finishes in the background (it can
 * answer later through {@code response_url}). A route that fails gets an apology rather than
 * Slack's generic error, since the person who typed the command waits for an answer.
 */
@Component("slackCommands")
public class SlackCommands {

    /** Slack waits 3 s; this leaves room for the network. */
    static final long ANSWER_WITHIN_MILLIS = 2_300;

    private static final Logger LOG = LoggerFactory.getLogger(SlackCommands.class);

    private final RouteDispatcher routes;
    private final SlackClient slack;

    SlackCommands(RouteDispatcher routes, SlackClient slack) {
        this.routes = routes;
        this.slack = slack;
    }

    /** Sets the Slack* headers from the queued fields and the body to the command's text. */
    public void prepare(Exchange exchange) {
        JsonNode fields = Json.readObject(exchange.getIn().getBody(String.class));
        Message in = exchange.getIn();
        set(in, SlackHeaders.USER_ID, fields, "user_id");
        set(in, SlackHeaders.USER_NAME, fields, "user_name");
        set(in, SlackHeaders.TEAM_ID, fields, "team_id");
        set(in, SlackHeaders.CHANNEL_ID, fields, "channel_id");
        set(in, SlackHeaders.CHANNEL_NAME, fields, "channel_name");
        set(in, SlackHeaders.COMMAND, fields, "command");
        set(in, SlackHeaders.RESPONSE_URL, fields, "response_url");
        set(in, SlackHeaders.TRIGGER_ID, fields, "trigger_id");
        String text = Optional.ofNullable(Json.text(fields, "text")).orElse("");
        in.setHeader(SlackHeaders.TEXT, text);
        in.setBody(text);
    }

    /** Runs the command's route and turns what it returns into Slack's JSON answer. */
    public String dispatch(Exchange exchange) {
        String command = exchange.getIn().getHeader(SlackHeaders.COMMAND, String.class);
        String name = routeName(command);
        Optional<Route> route = routes.route(SlackConversation.COMMAND_ROUTE_PREFIX + name);
        if (route.isEmpty()) {
            return ephemeral("I don't know the command `" + command + "`." + knownCommands());
        }
        Optional<Exchange> result;
        String text = exchange.getIn().getHeader(SlackHeaders.TEXT, String.class);
        String responseUrl = exchange.getIn().getHeader(SlackHeaders.RESPONSE_URL, String.class);
        try {
            result = routes.callWithin(route.get(), exchange, ANSWER_WITHIN_MILLIS,
                    (late, failure) -> answerLate(command, route.get().getRouteId(), text, responseUrl, late, failure));
        } catch (RuntimeException e) {
            if (brokerRefused(e)) {
                // the command's work was not queued: 503, and the claim on the trigger_id is released
                throw e;
            }
            LOG.warn("{} failed in route {}", command, route.get().getRouteId(), e);
            return ephemeral("Sorry, `" + command + "` failed; the hub's log says why.");
        }
        if (result.isEmpty()) {
            LOG.info("{} took longer than {} ms; it goes on, and its answer goes to its response_url", command,
                    ANSWER_WITHIN_MILLIS);
            return ephemeral("Working on `" + command + "`…");
        }
        return answer(answerBody(result.get(), text));
    }

    /** What the route's body says, or null when it left the command's text as it came. */
    private static Object answerBody(Exchange result, String text) {
        Object body = result.getMessage().getBody();
        return body instanceof String s && s.equals(text) ? null : body;
    }

    /**
     * A route that ended after its holding answer: its answer goes to the command's
     * {@code response_url}, unless the route answered there itself; a route that failed is
     * answered with the apology there, so the person who typed it is told.
     */
    private void answerLate(String command, String routeId, String text, String responseUrl, Exchange result,
                            Throwable failure) {
        String answer;
        if (failure != null) {
            LOG.warn("{} failed in route {} after its holding answer", command, routeId, failure);
            answer = ephemeral("Sorry, `" + command + "` failed; the hub's log says why.");
        } else if (slack.hasAnswered(responseUrl)) {
            return;
        } else {
            answer = answer(answerBody(result, text));
        }
        try {
            slack.postToUrl("response_url", responseUrl, answer);
        } catch (RuntimeException e) {
            LOG.warn("{}: the answer after the holding answer could not be sent to its response_url: {}", command,
                    e.getMessage());
        }
    }

    /** The answer to a slash command whose trigger_id was already seen. */
    public String duplicate() {
        return ephemeral("This command was already received; it is not run twice.");
    }

    /**
     * True when the failure is the broker refusing a message (journal disk full, broker gone): the
     * command then must not be answered as if it had been taken on.
     */
    static boolean brokerRefused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof jakarta.jms.JMSException || t instanceof org.springframework.jms.JmsException) {
                return true;
            }
        }
        return false;
    }

    static String routeName(String command) {
        String name = command == null ? "" : command.strip();
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    }

    private String knownCommands() {
        List<String> known = routes.routesWithPrefix(SlackConversation.COMMAND_ROUTE_PREFIX).stream()
                .map(r -> "`/" + r.getRouteId().substring(SlackConversation.COMMAND_ROUTE_PREFIX.length()) + "`")
                .toList();
        return known.isEmpty() ? "" : " Known commands: " + String.join(", ", known) + ".";
    }

    /**
     * A route may return nothing (empty answer), plain text, or a JSON object with {@code text}
     * and/or {@code blocks}; {@code response_type} defaults to ephemeral. A route that leaves the
     * command's text as body (one that only queues work) is answered {@code Done.}, not with the
     * person's own words.
     */
    static String answer(Object body) {
        if (body == null) {
            return ephemeral("Done.");
        }
        if (body instanceof Map<?, ?> map) {
            body = Json.write(map);
        }
        String text = body.toString().strip();
        if (text.startsWith("{")) {
            try {
                ObjectNode json = Json.readObject(text);
                if (json.has("text") || json.has("blocks")) {
                    if (!json.has("response_type")) {
                        json.put("response_type", "ephemeral");
                    }
                    return json.toString();
                }
            } catch (RuntimeException notJson) {
                // plain text that happens to start with a brace
            }
        }
        return ephemeral(text.isEmpty() ? "Done." : text);
    }

    static String ephemeral(String text) {
        return Json.write(Map.of("response_type", "ephemeral", "text", text));
    }

    private static void set(Message in, String header, JsonNode fields, String field) {
        String value = Json.text(fields, field);
        if (value != null) {
            in.setHeader(header, value);
        }
    }
}
