package io.chatopshub.cloudwatch;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;

import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertHeaders;
import io.chatopshub.alerts.AlertJson;
import io.chatopshub.alerts.AlertSource;
import io.chatopshub.system.inbound.Delivery;
import io.chatopshub.system.inbound.Delivery.Answer;
import io.chatopshub.system.inbound.InboundKind;
import io.chatopshub.system.inbound.InboundRequest;

/**
 * The inbound kind of {@code POST /hooks/cloudwatch}, and the worker that confirms subscriptions.
 *
 * <p>An SNS message carries its own signature, so reading it verifies it: {@link #accept} does
 * both at once. A subscription confirmation is queued as received on
 * {@value #SUBSCRIPTIONS} and confirmed by the worker, so a failing {@code SubscribeURL} is
 * retried by the broker instead of being lost with the answer. The worker verifies the message
 * again: what is on a queue needs no trust of its own.
 */
public class CloudwatchInbound implements InboundKind {

    static final String SUBSCRIPTION = "subscription";
    static final String SUBSCRIPTIONS = "chatops.cloudwatch.subscriptions";
    private static final Logger LOG = LoggerFactory.getLogger(CloudwatchInbound.class);
    private static final Answer ACCEPTED = Answer.json(200, "{\"status\":\"accepted\"}");

    private final SnsMessageVerifier verifier;

    CloudwatchInbound(SnsMessageVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void verify(InboundRequest request) {
        verifier.verify(request.text(), request.header("x-amz-sns-rawdelivery"));
    }

    @Override
    public Delivery read(InboundRequest request) {
        return accept(request);
    }

    /**
     * Verifies a delivery and queues an alarm on the endpoint's queue ({@code ChatopsAlertEvent}
     * {@code alert}) or a subscription confirmation on {@value #SUBSCRIPTIONS}; the delivery id is
     * the SNS {@code MessageId} or the alarm state.
     */
    @Override
    public Delivery accept(InboundRequest request) {
        String body = request.text();
        SnsMessage message = verifier.verify(body, request.header("x-amz-sns-rawdelivery"));
        if (message.isSubscriptionConfirmation()) {
            return Delivery.queued(message.dedupKey(), body, fields(SUBSCRIPTION, message), ACCEPTED)
                    .onQueue(SUBSCRIPTIONS);
        }
        Optional<Alert> alert = CloudwatchAlarms.toAlert(message);
        if (alert.isPresent()) {
            return Delivery.queued(alert.get().dedupKey(), AlertJson.write(alert.get()),
                    fields(AlertHeaders.ALERT, message), ACCEPTED);
        }
        LOG.info("SNS {} {} on {} is not a CloudWatch alarm; ignored", message.type(), message.messageId(),
                message.topicArn());
        return Delivery.answerOnly(ACCEPTED);
    }

    @Override
    public List<MediaType> mediaTypes() {
        // SNS sends text/plain; JSON is what a hand-made test delivery would say
        return List.of(MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON);
    }

    /** Confirms a queued subscription by fetching its {@code SubscribeURL}. */
    public void confirm(Exchange exchange) {
        SnsMessage message = verifier.verify(exchange.getIn().getBody(String.class), null);
        if (message.isSubscriptionConfirmation()) {
            verifier.confirmSubscription(message);
        }
    }

    private static Map<String, String> fields(String event, SnsMessage message) {
        return Map.of(AlertHeaders.EVENT, event, AlertHeaders.SOURCE, AlertSource.CLOUDWATCH.id(),
                AlertHeaders.TOPIC_ARN, message.topicArn());
    }
}
