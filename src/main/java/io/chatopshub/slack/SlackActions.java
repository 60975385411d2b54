package io.chatopshub.slack;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.chatopshub.system.Json;
import io.chatopshub.system.RouteDispatcher;

/**
 * Button presses and other interactions, taken from the queue. An {@code action_id} of the form
 * {@code <handler>.<rest>} goes to the route {@code slack-action-<handler>}; the payload JSON is
 * the body and the Slack* headers name who pressed what where.
 */
@Component("slackActions")
public class SlackActions {

    public static final String ACTION_ROUTE_PREFIX = "slack-action-";

    private static final Logger LOG = LoggerFactory.getLogger(SlackActions.class);

    private final RouteDispatcher routes;

    SlackActions(RouteDispatcher routes) {
        this.routes = routes;
    }

    public void dispatch(Exchange exchange) {
        JsonNode payload = Json.readObject(exchange.getIn().getBody(String.class));
        JsonNode action = payload.path("actions").path(0);
        String actionId = Json.text(action, "action_id");
        Message in = exchange.getIn();
        setIfPresent(in, SlackHeaders.USER_ID, Json.text(payload, "user", "id"));
        setIfPresent(in, SlackHeaders.USER_NAME, Json.text(payload, "user", "username"));
        setIfPresent(in, SlackHeaders.TEAM_ID, Json.text(payload, "team", "id"));
        String channel = Json.text(payload, "channel", "id");
        setIfPresent(in, SlackHeaders.CHANNEL_ID, channel != null ? channel : Json.text(payload, "container", "channel_id"));
        setIfPresent(in, SlackHeaders.MESSAGE_TS, Json.text(payload, "container", "message_ts"));
        setIfPresent(in, SlackHeaders.ACTION_ID, actionId);
        setIfPresent(in, SlackHeaders.ACTION_VALUE, Json.text(action, "value"));
        setIfPresent(in, SlackHeaders.RESPONSE_URL, Json.text(payload, "response_url"));
        setIfPresent(in, SlackHeaders.TRIGGER_ID, Json.text(payload, "trigger_id"));
        if (actionId == null) {
            LOG.info("interaction {} without an action ignored", Json.text(payload, "type"));
            return;
        }
        String handler = actionId.contains(".") ? actionId.substring(0, actionId.indexOf('.')) : actionId;
        Optional<Route> route = routes.route(ACTION_ROUTE_PREFIX + handler);
        if (route.isEmpty()) {
            LOG.info("no route {}{} for action {}; ignored", ACTION_ROUTE_PREFIX, handler, actionId);
            return;
        }
        routes.call(route.get(), exchange);
    }

    private static void setIfPresent(Message in, String header, String value) {
        if (value != null) {
            in.setHeader(header, value);
        }
    }
}
