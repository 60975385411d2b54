package io.chatopshub.slack;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsEndpoint;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.chatopshub.system.FailureNotice;
import io.chatopshub.system.Json;

/**
 * Tells the person behind a queued Slack event or button press that their work failed for good:
 * a mention in its thread, a button press ephemerally through its {@code response_url}. The
 * reference is the one the log line and the dead-letter entry carry.
 */
@Component
@Order(0)
class SlackFailureNotice implements FailureNotice {

    static final String EVENTS_QUEUE = "chatops.slack.events";
    static final String INTERACTIONS_QUEUE = "chatops.slack.interactions";

    private final SlackClient slack;

    SlackFailureNotice(SlackClient slack) {
        this.slack = slack;
    }

    @Override
    public boolean tell(Exchange exchange, String reference, String what) {
        String queue = exchange.getFromEndpoint() instanceof JmsEndpoint jms ? jms.getDestinationName() : null;
        String body = exchange.getIn().getBody(String.class);
        if (body == null || queue == null) {
            return false;
        }
        if (EVENTS_QUEUE.equals(queue)) {
            SlackEvent event = SlackEvent.from(body);
            if (event.channel() == null || event.user() == null || event.fromBot()) {
                return false;
            }
            slack.postMessage(event.channel(), event.replyThread(), text(event.user(), what, reference), null);
            return true;
        }
        if (INTERACTIONS_QUEUE.equals(queue)) {
            JsonNode payload = Json.readObject(body);
            String user = Json.text(payload, "user", "id");
            String responseUrl = Json.text(payload, "response_url");
            if (responseUrl == null || user == null) {
                return false;
            }
            slack.answerPrivately(responseUrl, text(user, what, reference));
            return true;
        }
        return false;
    }

    static String text(String user, String what, String reference) {
        return "<@" + user + "> sorry, that did not work: " + Mrkdwn.escape(what) + ". Reference " + Mrkdwn.code(reference)
                + ": an operator finds it in the hub's log and dead-letter queue.";
    }
}
