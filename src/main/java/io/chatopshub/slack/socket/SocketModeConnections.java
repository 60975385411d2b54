package io.chatopshub.slack.socket;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.slack.api.Slack;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

import io.chatopshub.system.Secrets;

/**
 * The Socket Mode connections of this instance. Several are kept so that while Slack refreshes
 * one (it does every few hours) the others go on receiving; every instance of the hub may hold
 * its own, since Slack gives each envelope to one connection and the shared delivery ids stop a
 * redelivery from being done twice.
 *
 * <p>Connections open once the application is ready (routes running, broker up), and close
 * before anything else stops, so no envelope is taken by a hub that can no longer queue it.
 *
 * <p>A hub on Socket Mode hears nothing from Slack while no connection is open (an app token
 * revoked, Slack unreachable), and nothing else would show it: so it reports the connections as
 * the health component {@value #HEALTH} (DOWN with the reason while none is open after an attempt
 * failed; not part of readiness, which is about taking HTTP requests) and the gauge
 * {@value #GAUGE}.
 */
public class SocketModeConnections implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(SocketModeConnections.class);
    /** Envelopes taken at once per instance; beyond that Slack's redelivery is the queue. */
    static final int WORKERS = 16;
    static final String HEALTH = "socketMode";
    static final String GAUGE = "chatops.slack.socket.connections.open";

    private final SocketModeProperties properties;
    /** The SDK client is made when Socket Mode opens, never in a hub without an app token. */
    private final Supplier<Slack> slack;
    private final SlackEnvelopeSink sink;
    private final ObjectProvider<HealthContributorRegistry> health;
    private final ObjectProvider<MeterRegistry> meters;
    private final List<SocketConnection> connections = new ArrayList<>();
    private ScheduledExecutorService supervisor;
    private ExecutorService workers;
    private volatile boolean running;

    SocketModeConnections(SocketModeProperties properties, Supplier<Slack> slack, SlackEnvelopeSink sink,
                          ObjectProvider<HealthContributorRegistry> health, ObjectProvider<MeterRegistry> meters) {
        this.properties = properties;
        this.slack = slack;
        this.sink = sink;
        this.health = health;
        this.meters = meters;
    }

    @Override
    public void start() {
        running = true;
    }

    @EventListener(ApplicationReadyEvent.class)
    public synchronized void open() {
        if (!running || !properties.enabled() || supervisor != null) {
            return;
        }
        var settings = properties.socket();
        Slack slack = this.slack.get();
        supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slack-socket-supervisor");
            t.setDaemon(true);
            return t;
        });
        workers = new ThreadPoolExecutor(0, WORKERS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "slack-socket-envelope");
            t.setDaemon(true);
            return t;
        });
        for (int i = 1; i <= settings.connections(); i++) {
            SocketConnection connection = new SocketConnection(i, slack, properties.appToken(), settings, sink,
                    supervisor, workers);
            connections.add(connection);
            supervisor.scheduleWithFixedDelay(connection::check, 0, settings.checkInterval().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        health.ifAvailable(registry -> registry.registerContributor(HEALTH, (HealthIndicator) this::health));
        meters.ifAvailable(registry -> Gauge.builder(GAUGE, this, SocketModeConnections::openConnections)
                .description("Socket Mode connections open (Slack said hello, pings answered)").register(registry));
        LOG.info("Slack Socket Mode on: opening {} connections (apps.connections.open at {})", settings.connections(),
                slack.getConfig().getMethodsEndpointUrlPrefix());
    }

    /**
     * UP while at least one connection is open; DOWN, with why and since when, once none is and an
     * attempt has failed; UNKNOWN while the first connections are still being opened.
     */
    Health health() {
        List<SocketConnection> current = current();
        long open = current.stream().filter(SocketConnection::isOpen).count();
        List<String> failures = current.stream().map(SocketConnection::lastFailure).filter(f -> f != null).distinct()
                .map(Secrets::mask).toList();
        Health.Builder builder = open > 0 ? Health.up() : failures.isEmpty() ? Health.unknown() : Health.down();
        builder.withDetail("open", open).withDetail("connections", current.size());
        if (open == 0) {
            current.stream().map(SocketConnection::lastHelloAt).filter(at -> at != null).max(Instant::compareTo)
                    .ifPresentOrElse(at -> builder.withDetail("lastOpenAt", at.toString()),
                            () -> builder.withDetail("lastOpenAt", "never"));
            if (!failures.isEmpty()) {
                builder.withDetail("reason", String.join("; ", failures));
            }
        }
        return builder.build();
    }

    /** How many connections have said hello and answer pings right now. */
    public int openConnections() {
        return (int) current().stream().filter(SocketConnection::isOpen).count();
    }

    private synchronized List<SocketConnection> current() {
        return List.copyOf(connections);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (supervisor != null) {
            health.ifAvailable(registry -> registry.unregisterContributor(HEALTH));
            supervisor.shutdownNow();
            supervisor = null;
        }
        if (workers != null) {
            workers.shutdown();
            workers = null;
        }
        connections.forEach(SocketConnection::close);
        connections.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first, before the web server, the routes and the broker. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
