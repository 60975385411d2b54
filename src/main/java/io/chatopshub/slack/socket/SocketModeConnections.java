package io.chatopshub.slack.socket;

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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * The Socket Mode connections of this instance. Several are kept so that while Slack refreshes
 * one (it does every few hours) the others go on receiving; every instance of the hub may hold
 * its own, since Slack gives each envelope to one connection and the shared delivery ids stop a
 * redelivery from being done twice.
 *
 * <p>Connections open once the application is ready (routes running, broker up), and close
 * before anything else stops, so no envelope is taken by a hub that can no longer queue it.
 */
public class SocketModeConnections implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(SocketModeConnections.class);
    /** Envelopes taken at once per instance; beyond that Slack's redelivery is the queue. */
    static final int WORKERS = 16;

    private final SocketModeProperties properties;
    /** The SDK client is made when Socket Mode opens, never in a hub without an app token. */
    private final Supplier<Slack> slack;
    private final SlackEnvelopeSink sink;
    private final List<SocketConnection> connections = new ArrayList<>();
    private ScheduledExecutorService supervisor;
    private ExecutorService workers;
    private volatile boolean running;

    SocketModeConnections(SocketModeProperties properties, Supplier<Slack> slack, SlackEnvelopeSink sink) {
        this.properties = properties;
        this.slack = slack;
        this.sink = sink;
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
        LOG.info("Slack Socket Mode on: opening {} connections (apps.connections.open at {})", settings.connections(),
                slack.getConfig().getMethodsEndpointUrlPrefix());
    }

    /** How many connections have said hello and answer pings right now. */
    public int openConnections() {
        List<SocketConnection> current;
        synchronized (this) {
            current = List.copyOf(connections);
        }
        return (int) current.stream().filter(SocketConnection::isOpen).count();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (supervisor != null) {
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
