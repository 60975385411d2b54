package io.chatopshub.slack.early;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * What {@code main} started before Spring: the {@link EarlyEdge}, if the configuration allowed
 * one, and notes on it for the hub's log (Spring's logging is not set up yet when they are made).
 * Registered as a bean, so {@link EarlyEdgeConfiguration} can hand the port over and log them.
 */
public final class EarlyStart implements AutoCloseable {

    private final EarlyEdge edge;
    private final List<String> notes;

    private EarlyStart(EarlyEdge edge, List<String> notes) {
        this.edge = edge;
        this.notes = List.copyOf(notes);
    }

    /** Starts the early edge when the configuration allows one; never throws. */
    public static EarlyStart begin(String[] args) {
        List<String> notes = new ArrayList<>();
        EarlyEdge edge = EarlyEdge.startIfConfigured(args, notes).orElse(null);
        return new EarlyStart(edge, notes);
    }

    /** Makes this start known to the application context as the bean {@code earlyStart}. */
    public void register(ConfigurableApplicationContext context) {
        context.getBeanFactory().registerSingleton("earlyStart", this);
    }

    public Optional<EarlyEdge> edge() {
        return Optional.ofNullable(edge);
    }

    public List<String> notes() {
        return notes;
    }

    /** Lets the port go (the hub's web server is about to bind it, or the hub did not start). */
    @Override
    public void close() {
        if (edge != null) {
            edge.close();
        }
    }
}
