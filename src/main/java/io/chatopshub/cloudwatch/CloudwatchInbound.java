package io.chatopshub.cloudwatch;

import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertHeaders;
import io.chatopshub.alerts.AlertJson;
import io.chatopshub.alerts.AlertSource;
import io.chatopshub.system.RawBody;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java half of the routes {@code cloudwatch-receive-sns} and
 * {@code cloudwatch-confirm-subscription}.
 *
 * <p>A subscription confirmation is queued as received and confirmed by the worker, so a
 * failing {@code SubscribeURL} is retried by the broker instead of being lost with the answer.
 * The worker verifies the message again: what is on a queue needs no trust of its own.
 */
public class CloudwatchInbound {

    static final String SUBSCRIPTION = "subscription";
    static final String IGNORED = "ignored";
    private static final Logger LOG = LoggerFactory.getLogger(CloudwatchInbound.class);

    private final SnsMessageVerifier verifier;

    CloudwatchInbound(SnsMessageVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * Verifies a delivery and sets {@code ChatopsAlertEvent} ({@code alert}, {@code subscription}
     * or {@code ignored}) and {@code ChatopsDeliveryId} (the SNS {@code MessageId}).
     */
    public void accept(Exchange exchange) {
        Message in = exchange.getIn();
        String body = RawBody.asString(exchange);
        SnsMessage message = verifier.verify(body, in.getHeader("x-amz-sns-rawdelivery", String.class));
        in.setHeader(AlertHeaders.SOURCE, AlertSource.CLOUDWATCH.id());
        in.setHeader(AlertHeaders.TOPIC_ARN, message.topicArn());
        if (message.isSubscriptionConfirmation()) {
            in.setHeader(AlertHeaders.EVENT, SUBSCRIPTION);
            in.setHeader("ChatopsDeliveryId", message.dedupKey());
            in.setBody(body);
            return;
        }
        Optional<Alert> alert = CloudwatchAlarms.toAlert(message);
        if (alert.isPresent()) {
            in.setHeader(AlertHeaders.EVENT, AlertHeaders.ALERT);
            in.setHeader("ChatopsDeliveryId", alert.get().dedupKey());
            in.setBody(AlertJson.write(alert.get()));
            return;
        }
        LOG.info("SNS {} {} on {} is not a CloudWatch alarm; ignored", message.type(), message.messageId(),
                message.topicArn());
        in.setHeader(AlertHeaders.EVENT, IGNORED);
    }

    /** Confirms a queued subscription by fetching its {@code SubscribeURL}. */
    public void confirm(Exchange exchange) {
        SnsMessage message = verifier.verify(exchange.getIn().getBody(String.class), null);
        if (message.isSubscriptionConfirmation()) {
            verifier.confirmSubscription(message);
        }
    }
}
