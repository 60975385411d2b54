package io.chatopshub.alerts;

import java.util.Locale;

/** Where an alert came from; part of every correlation key so two sources never share state. */
public enum AlertSource {
    MACKEREL,
    CLOUDWATCH;

    /** Lower-case form used in state store keys and log lines. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
