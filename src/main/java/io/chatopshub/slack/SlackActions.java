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
 * Button presses, form submissions and other interactions, taken from the queue. An
 * {@code action_id} (or, for a form, the view's {@code callback_id}) of the form
 * {@code <handler>.<rest>} goes to the route {@code slack-action-<handler>}; the payload JSON is
 * the body and the Slack* headers name who pressed what where.
 *
 * <p>Fails closed for every handler: an interaction that does not say who acted (user), in which
 * workspace (team), or what (a known action) is refused here, with one log line, and reaches no
 * handler. A handler can then rely on {@link SlackHeaders#USER_ID} and {@link SlackHeaders#TEAM_ID}
 * being set, and nothing is ever done "by null".
 */
@Component("slackActions")
public class SlackActions {

    public static final String ACTION_ROUTE_PREFIX = "slack-action-";
    /** Exchange property set to the reason when an interaction was refused before any handler. */
    public static final String REFUSED = "ChatopsInteractionRefused";

    private static final Logger LOG = LoggerFactory.getLogger(SlackActions.class);

    private final RouteDispatcher routes;

    SlackActions(RouteDispatcher routes) {
        this.routes = routes;
    }

    public void dispatch(Exchange exchange) {
        JsonNode payload = Json.readObject(exchange.getIn().getBody(String.class));
        String type = Json.text(payload, "type");
        JsonNode action = payload.path("actions").path(0);
        String actionId = "view_submission".equals(type) ? Json.text(payload, "view", "callback_id")
                : Json.text(action, "action_id");
        String user = Json.text(payload, "user", "id");
        String team = Json.text(payload, "team", "id");
        if (team == null) {
            team = Json.text(payload, "user", "team_id");
        }
        Message in = exchange.getIn();
        setIfPresent(in, SlackHeaders.USER_ID, user);
        setIfPresent(in, SlackHeaders.USER_NAME, Json.text(payload, "user", "username"));
        setIfPresent(in, SlackHeaders.TEAM_ID, team);
        String channel = Json.text(payload, "channel", "id");
        setIfPresent(in, SlackHeaders.CHANNEL_ID, channel != null ? channel : Json.text(payload, "container", "channel_id"));
        setIfPresent(in, SlackHeaders.MESSAGE_TS, Json.text(payload, "container", "message_ts"));
        setIfPresent(in, SlackHeaders.ACTION_ID, actionId);
        setIfPresent(in, SlackHeaders.ACTION_VALUE, Json.text(action, "value"));
        setIfPresent(in, SlackHeaders.RESPONSE_URL, Json.text(payload, "response_url"));
        setIfPresent(in, SlackHeaders.TRIGGER_ID, Json.text(payload, "trigger_id"));
        Optional<Route> route = Optional.empty();
        String refusal;
        if (blank(user)) {
            refusal = "no user";
        } else if (blank(team)) {
            refusal = "no team";
        } else if (blank(actionId)) {
            refusal = "no action";
        } else {
            String handler = actionId.contains(".") ? actionId.substring(0, actionId.indexOf('.')) : actionId;
            route = routes.route(ACTION_ROUTE_PREFIX + handler);
            refusal = route.isEmpty() ? "unknown action (no route " + ACTION_ROUTE_PREFIX + handler + ")" : null;
        }
        if (refusal != null) {
            exchange.setProperty(REFUSED, refusal);
            LOG.warn("interaction {} refused: {} (action={}, user={}, team={}, delivery={})", type, refusal, actionId,
                    user, team, in.getHeader("ChatopsDeliveryId"));
            return;
        }
        routes.call(route.get(), exchange);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static void setIfPresent(Message in, String header, String value) {
        if (value != null) {
            in.setHeader(header, value);
        }
    }
}
