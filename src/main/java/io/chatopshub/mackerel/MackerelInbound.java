package io.chatopshub.mackerel;

import io.chatopshub.alerts.AlertHeaders;
import io.chatopshub.alerts.AlertJson;
import io.chatopshub.alerts.AlertSource;
import io.chatopshub.system.Json;
import io.chatopshub.system.RawBody;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The Java half of the route {@code mackerel-receive-webhook}: checks the token, reads the
 * delivery and leaves on the exchange what the route queues and answers.
 *
 * <p>Headers set: {@code ChatopsAlertEvent} ({@code alert}, {@code sample} or {@code ignored}),
 * {@code ChatopsAlertSource}, and {@code ChatopsDeliveryId}: the alert state for alerts, so a
 * repeated notification of one state is queued once, and a fresh id for each press of the
 * test button.
 */
public class MackerelInbound {

    static final String IGNORED = "ignored";

    private final MackerelWebhook webhook;

    MackerelInbound(MackerelWebhook webhook) {
        this.webhook = webhook;
    }

    public void accept(Exchange exchange) {
        Message in = exchange.getIn();
        webhook.checkToken(in.getHeader("token", String.class));
        MackerelEvent event = webhook.parse(RawBody.asString(exchange));
        in.setHeader(AlertHeaders.SOURCE, AlertSource.MACKEREL.id());
        if (event instanceof MackerelEvent.AlertNotification a) {
            queue(in, AlertHeaders.ALERT, a.alert().dedupKey(), AlertJson.write(a.alert()));
        } else if (event instanceof MackerelEvent.AlertGroupNotification g) {
            queue(in, AlertHeaders.ALERT, g.alert().dedupKey(), AlertJson.write(g.alert()));
        } else if (event instanceof MackerelEvent.Sample s) {
            queue(in, AlertHeaders.SAMPLE, "mackerel:sample:" + UUID.randomUUID(),
                    Json.write(s.message() == null ? Map.of() : Map.of("message", s.message())));
        } else {
            in.setHeader(AlertHeaders.EVENT, IGNORED);
            in.setHeader("ChatopsMackerelEvent", event.event());
        }
    }

    /** The 202 body: what happened to the delivery, never what it contained. */
    public String answer(Exchange exchange) {
        String event = exchange.getIn().getHeader(AlertHeaders.EVENT, String.class);
        if (IGNORED.equals(event)) {
            return Json.write(Map.of("status", "ignored", "event", String.valueOf(
                    exchange.getIn().getHeader("ChatopsMackerelEvent", String.class))));
        }
        return Json.write(Map.of("status", "accepted", "event", String.valueOf(event)));
    }

    private static void queue(Message in, String event, String deliveryId, String body) {
        in.setHeader(AlertHeaders.EVENT, event);
        in.setHeader("ChatopsDeliveryId", deliveryId);
        in.setBody(body);
    }
}
