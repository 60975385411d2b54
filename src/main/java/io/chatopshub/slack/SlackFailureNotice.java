package io.chatopshub.slack;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsEndpoint;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.chatopshub.system.FailureNotice;
import io.chatopshub.system.Json;

/**
 * Tells the person behind a queued Slack event or button press that their work failed for good:
 * a mention in its thread, a button press ephemerally through its {@code response_url}; and the
 * person behind work a command or mention route queued itself, from its {@code Slack*} headers.
 * The reference is the one the log line and the dead-letter entry carry.
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
        return tellFromHeaders(exchange.getIn(), reference, what);
    }

    /**
     * Work a person's command or mention put on a queue of its own (a route's {@code to: jms:queue:…}
     * keeps the {@code Slack*} headers, the hub's own queues do not): the command's person through
     * its {@code response_url}, the mention's in its thread.
     */
    private boolean tellFromHeaders(Message in, String reference, String what) {
        String user = in.getHeader(SlackHeaders.USER_ID, String.class);
        if (user == null || user.isBlank()) {
            return false;
        }
        String responseUrl = in.getHeader(SlackHeaders.RESPONSE_URL, String.class);
        if (responseUrl != null && !responseUrl.isBlank()) {
            slack.answerPrivately(responseUrl, text(user, what, reference));
            return true;
        }
        String channel = in.getHeader(SlackHeaders.CHANNEL_ID, String.class);
        String thread = in.getHeader(SlackHeaders.THREAD_TS, String.class);
        if (thread == null || thread.isBlank()) {
            thread = in.getHeader(SlackHeaders.TS, String.class);
        }
        if (channel == null || channel.isBlank() || thread == null || thread.isBlank()) {
            return false;
        }
        slack.postMessage(channel, thread, text(user, what, reference), null);
        return true;
    }

    static String text(String user, String what, String reference) {
        return "<@" + user + "> sorry, that did not work: " + Mrkdwn.escape(what) + ". Reference " + Mrkdwn.code(reference)
                + ": an operator finds it in the hub's log and dead-letter queue.";
    }
}
