package io.chatopshub.mackerel;

import io.chatopshub.alerts.Alert;

/** What a Mackerel webhook delivery turned out to be. */
public sealed interface MackerelEvent {

    /** The payload's {@code event} field, as sent. */
    String event();

    /** {@code event=alert}: an alert opened, changed status, or closed. */
    record AlertNotification(Alert alert) implements MackerelEvent {
        @Override
        public String event() {
            return "alert";
        }
    }

    /** {@code event=alertGroup}: an alert group changed status; its key is the alert group id. */
    record AlertGroupNotification(Alert alert) implements MackerelEvent {
        @Override
        public String event() {
            return "alertGroup";
        }
    }

    /** {@code event=sample}: the test button in Mackerel's channel settings. */
    record Sample(String message) implements MackerelEvent {
        @Override
        public String event() {
            return "sample";
        }
    }

    /** Any other event (host status, monitor edits, ...): answered and not acted on. */
    record Ignored(String event) implements MackerelEvent {
    }
}
