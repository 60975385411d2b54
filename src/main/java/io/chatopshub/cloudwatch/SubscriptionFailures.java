package io.chatopshub.cloudwatch;

import io.chatopshub.alerts.AlertFailures;
import io.chatopshub.alerts.AlertHeaders;
import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.FailureNotice;
import io.chatopshub.system.Json;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsEndpoint;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Tells the ops channel when an SNS subscription could not be confirmed for good (SNS refused the
 * {@code SubscribeURL}, or the retries ran out). SNS delivers nothing to a subscription that is not
 * confirmed, so without this message every alarm of the topic would be missed with only a log line
 * to show for it.
 */
class SubscriptionFailures implements FailureNotice {

    private final ObjectProvider<AlertFailures> ops;

    SubscriptionFailures(ObjectProvider<AlertFailures> ops) {
        this.ops = ops;
    }

    @Override
    public boolean tell(Exchange exchange, String deadLetterId, String reason) {
        AlertFailures ops = this.ops.getIfAvailable();
        if (ops == null || !(exchange.getFromEndpoint() instanceof JmsEndpoint endpoint)
                || !CloudwatchInbound.SUBSCRIPTIONS.equals(endpoint.getDestinationName())) {
            return false;
        }
        ops.tellOps(message(topicOf(exchange), deadLetterId, reason), "SNS subscription confirmation", deadLetterId);
        return true;
    }

    /** The ops-channel message; its wording is what the tests hold. */
    static String message(String topicArn, String deadLetterId, String reason) {
        String id = deadLetterId == null ? "<id>" : deadLetterId;
        return ":no_entry: The SNS subscription to " + Mrkdwn.code(topicArn == null ? "(unknown topic)" : topicArn)
                + " could not be confirmed: SNS sends this topic's CloudWatch alarms nowhere until it is.\n*Why:* "
                + Mrkdwn.escape(reason)
                + "\n*Dead-letter id:* " + Mrkdwn.code(deadLetterId == null ? "unknown" : deadLetterId)
                + " (replay it with `@hub dlq replay " + Mrkdwn.escape(id) + "` once the cause is fixed, or have SNS"
                + " send a new confirmation: AWS console, the subscription, *Request confirmation*)";
    }

    private static String topicOf(Exchange exchange) {
        String topic = exchange.getIn().getHeader(AlertHeaders.TOPIC_ARN, String.class);
        if (topic != null && !topic.isBlank()) {
            return topic;
        }
        try {
            return Json.text(Json.readObject(exchange.getIn().getBody(String.class)), "TopicArn");
        } catch (BadRequestException e) {
            return null;
        }
    }
}
