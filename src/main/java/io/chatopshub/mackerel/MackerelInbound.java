package io.chatopshub.mackerel;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.MediaType;

import io.chatopshub.alerts.AlertHeaders;
import io.chatopshub.alerts.AlertJson;
import io.chatopshub.alerts.AlertSource;
import io.chatopshub.system.Json;
import io.chatopshub.system.inbound.Delivery;
import io.chatopshub.system.inbound.Delivery.Answer;
import io.chatopshub.system.inbound.InboundKind;
import io.chatopshub.system.inbound.InboundRequest;

/**
 * The inbound kind of {@code POST /hooks/mackerel?token=…}: checks the token, reads the delivery
 * and says what is queued and answered (202).
 *
 * <p>Fields queued: {@code ChatopsAlertEvent} ({@code alert} or {@code sample}) and
 * {@code ChatopsAlertSource}. The delivery id is the alert state for alerts, so a repeated
 * notification of one state is queued once, and a fresh id for each press of the test button.
 * Other events are answered {@code ignored} and not queued.
 */
public class MackerelInbound implements InboundKind {

    static final String IGNORED = "ignored";

    private final MackerelWebhook webhook;

    MackerelInbound(MackerelWebhook webhook) {
        this.webhook = webhook;
    }

    /** The kind on its own, for the early edge, which reads Mackerel's deliveries before the hub exists. */
    public static MackerelInbound withToken(String webhookToken) {
        return new MackerelInbound(new MackerelWebhook(new MackerelProperties(webhookToken)));
    }

    @Override
    public void verify(InboundRequest request) {
        webhook.checkToken(request.queryParameter("token"));
    }

    @Override
    public Delivery read(InboundRequest request) {
        MackerelEvent event = webhook.parse(request.text());
        if (event instanceof MackerelEvent.AlertNotification a) {
            return queued(AlertHeaders.ALERT, a.alert().dedupKey(), AlertJson.write(a.alert()));
        } else if (event instanceof MackerelEvent.AlertGroupNotification g) {
            return queued(AlertHeaders.ALERT, g.alert().dedupKey(), AlertJson.write(g.alert()));
        } else if (event instanceof MackerelEvent.Sample s) {
            return queued(AlertHeaders.SAMPLE, "mackerel:sample:" + UUID.randomUUID(),
                    Json.write(s.message() == null ? Map.of() : Map.of("message", s.message())));
        }
        return Delivery.answerOnly(Answer.json(202, Json.write(Map.of("status", IGNORED, "event",
                String.valueOf(event.event())))));
    }

    @Override
    public List<MediaType> mediaTypes() {
        return List.of(MediaType.APPLICATION_JSON);
    }

    /** The 202 body says what happened to the delivery, never what it contained. */
    private static Delivery queued(String event, String deliveryId, String body) {
        return Delivery.queued(deliveryId, body,
                Map.of(AlertHeaders.EVENT, event, AlertHeaders.SOURCE, AlertSource.MACKEREL.id()),
                Answer.json(202, Json.write(Map.of("status", "accepted", "event", event))));
    }
}
