package io.chatopshub.gitlab;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;

import io.chatopshub.dedup.StateStore;

/**
 * "Freeze deploys": while frozen, release mentions are answered with the reason and start no
 * pipeline. Kept in the shared state store, so freezing one instance freezes them all; operators
 * switch it from Hawtio's JMX tab or any JMX client.
 */
@ManagedResource(objectName = "io.chatopshub:type=Releases", description = "Freeze and unfreeze releases from Slack")
public class ReleaseFreeze {

    static final String KEY = "gitlab:freeze";
    /** A freeze lasts until lifted; the store needs an expiry, so it is a long one. */
    static final Duration HOLD = Duration.ofDays(3650);
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseFreeze.class);

    private final StateStore store;
    private final Clock clock;

    ReleaseFreeze(StateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @ManagedOperation(description = "Stops releases from Slack until unfreeze() is called")
    @ManagedOperationParameter(name = "reason", description = "shown to people who ask for a release")
    public void freeze(String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        store.put(KEY, Instant.now(clock) + " " + why, HOLD);
        LOG.warn("releases frozen: {}", why);
    }

    @ManagedOperation(description = "Allows releases from Slack again")
    public void unfreeze() {
        store.remove(KEY);
        LOG.warn("releases unfrozen");
    }

    @ManagedAttribute(description = "True while releases are frozen")
    public boolean isFrozen() {
        return reason().isPresent();
    }

    @ManagedAttribute(description = "Since when and why releases are frozen, empty when they are not")
    public String getFreeze() {
        return store.get(KEY).orElse("");
    }

    /** Why releases are frozen, when they are. */
    public Optional<String> reason() {
        return store.get(KEY).map(v -> v.contains(" ") ? v.substring(v.indexOf(' ') + 1) : v);
    }
}
