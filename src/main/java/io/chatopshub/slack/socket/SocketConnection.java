package io.chatopshub.slack.socket;

import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonElement;
import com.slack.api.Slack;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.impl.SocketModeClientJavaWSImpl;
import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import com.slack.api.socket_mode.request.SocketModeEnvelope;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.Json;

/**
 * One Socket Mode connection, kept open for as long as the hub runs. The Slack SDK's client
 * receives, parses and acknowledges; this class decides when to (re)connect, since the SDK's own
 * monitor retries at a fixed pace and cannot tell "still connecting" from "lost":
 *
 * <ul>
 * <li>a {@code disconnect} message from Slack (a refresh, or a server going away) opens a fresh
 * connection at once, through {@code apps.connections.open};</li>
 * <li>a connection that closes, or no longer answers a ping, is reopened; attempts that fail (no
 * {@code hello} in time, {@code apps.connections.open} refused or unreachable) are spaced by a
 * doubling backoff so a Slack outage is not met with a storm of reconnects.</li>
 * </ul>
 *
 * <p>An envelope is acknowledged only after the hub has taken it ({@link SlackEnvelopeSink}
 * returned). When that fails, no ack is sent and Slack delivers it again, here or to another
 * connection or instance, where the shared delivery ids make sure it is done once.
 */
final class SocketConnection {

    private static final Logger LOG = LoggerFactory.getLogger(SocketConnection.class);
    /** The SDK's processor only reads the socket's queue; the work is done on {@code workers}. */
    private static final int PROCESSING_THREADS = 1;

    private final int number;
    private final Slack slack;
    private final String appToken;
    private final SocketModeProperties.Socket settings;
    private final SlackEnvelopeSink sink;
    private final ScheduledExecutorService supervisor;
    private final Executor workers;

    private HubSocketClient client;
    private volatile long attempts;
    private long attemptAtNanos;
    private volatile long helloForAttempt = -1;
    /** An attempt went out and its hello has not come yet. */
    private volatile boolean awaitingHello;
    private int failures;
    private long nextAttemptAtNanos;
    private volatile boolean closed;
    /** Why the latest attempt to open, or the open connection, failed; null once Slack said hello. */
    private volatile String lastFailure;
    /** When Slack last said hello on this connection; null before the first. */
    private volatile Instant lastHelloAt;

    SocketConnection(int number, Slack slack, String appToken, SocketModeProperties.Socket settings,
                     SlackEnvelopeSink sink, ScheduledExecutorService supervisor, Executor workers) {
        this.number = number;
        this.slack = slack;
        this.appToken = appToken;
        this.settings = settings;
        this.sink = sink;
        this.supervisor = supervisor;
        this.workers = workers;
    }

    /** Opens the connection, or reopens it when it is lost; called on a schedule and on every close. */
    synchronized void check() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (client != null) {
            if (awaitingHello) {
                if (now - attemptAtNanos < settings.helloTimeout().toNanos()) {
                    return;
                }
                awaitingHello = false;
                failed("no hello within " + settings.helloTimeout().toMillis() + " ms", now);
            } else if (helloForAttempt >= attempts) {
                if (client.verifyConnection()) {
                    failures = 0;
                    return;
                }
                lastFailure = "the connection was lost (closed, or no answer to a ping)";
                LOG.warn("Socket Mode connection {} was lost; opening a new one", number);
            }
        }
        if (now - nextAttemptAtNanos < 0) {
            return;
        }
        open(now);
    }

    private void open(long now) {
        attempts++;
        attemptAtNanos = now;
        // before connecting: the hello can come back before connect() returns
        awaitingHello = true;
        try {
            if (client == null) {
                String url = slack.issueSocketModeUrl(appToken);
                client = new HubSocketClient(url);
                client.connect();
            } else {
                client.connectToNewEndpoint();
            }
        } catch (IOException | RuntimeException | URISyntaxException e) {
            awaitingHello = false;
            failed(e.getClass().getSimpleName() + ": " + e.getMessage(), now);
        }
    }

    private void failed(String why, long now) {
        failures++;
        lastFailure = why;
        Duration wait = backoff(failures);
        nextAttemptAtNanos = now + wait.toNanos();
        LOG.warn("Socket Mode connection {} could not be opened ({}); next attempt in {} ms", number, why,
                wait.toMillis());
    }

    /** Doubles from min-backoff with every failure in a row, up to max-backoff. */
    Duration backoff(int failuresInARow) {
        Duration wait = settings.minBackoff();
        for (int i = 1; i < failuresInARow && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    private synchronized void disconnectRequested(String reason) {
        if (closed) {
            return;
        }
        LOG.info("Slack asked Socket Mode connection {} to reconnect ({}); opening a new one", number, reason);
        failures = 0;
        nextAttemptAtNanos = System.nanoTime();
        open(System.nanoTime());
    }

    private void hello(JsonNode message) {
        helloForAttempt = attempts;
        awaitingHello = false;
        lastFailure = null;
        lastHelloAt = Instant.now();
        String count = message.path("num_connections").asText("?");
        LOG.info("Socket Mode connection {} is open (Slack reports {} {} for this app)", number, count,
                "1".equals(count) ? "connection" : "connections");
    }

    boolean isOpen() {
        HubSocketClient current;
        synchronized (this) {
            current = client;
        }
        return current != null && helloForAttempt >= attempts && current.verifyConnection();
    }

    /** Why this connection is not open, when its latest attempt failed; null otherwise. */
    String lastFailure() {
        return lastFailure;
    }

    /** When Slack last said hello on this connection, or null. */
    Instant lastHelloAt() {
        return lastHelloAt;
    }

    void close() {
        closed = true;
        HubSocketClient current;
        synchronized (this) {
            current = client;
            client = null;
        }
        if (current != null) {
            try {
                current.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing Socket Mode connection {}: {}", number, e.toString());
            }
        }
    }

    /**
     * Takes envelopes side by side, so a slow slash command does not hold up the events behind it
     * on the same connection past Slack's three seconds. A hub too busy to start one leaves it
     * unacknowledged for Slack to send again.
     */
    private void takeSoon(SocketModeClient from, EnvelopeKind kind, SocketModeEnvelope envelope, JsonElement payload) {
        try {
            workers.execute(() -> take(from, kind, envelope, payload));
        } catch (RejectedExecutionException e) {
            LOG.warn("Socket Mode envelope {} ({}) not taken, the hub is busy or stopping; Slack will send it again",
                    envelope.getEnvelopeId(), kind);
        }
    }

    /** Acknowledges an envelope once the hub has taken its payload; without an ack Slack sends it again. */
    private void take(SocketModeClient from, EnvelopeKind kind, SocketModeEnvelope envelope, JsonElement payload) {
        String envelopeId = envelope.getEnvelopeId();
        String answer;
        try {
            answer = sink.accept(kind, payload == null || payload.isJsonNull() ? "" : payload.toString());
        } catch (BadRequestException e) {
            // a payload the hub cannot read will not get better: acknowledge it so Slack stops sending it
            LOG.warn("Socket Mode envelope {} ({}) refused: {}", envelopeId, kind, e.getMessage());
            answer = null;
        } catch (RuntimeException e) {
            LOG.warn("Socket Mode envelope {} ({}) not taken, left for Slack to deliver again: {}", envelopeId, kind,
                    e.toString());
            return;
        }
        var ack = Json.mapper().createObjectNode().put("envelope_id", envelopeId);
        if (answer != null) {
            ack.set("payload", Json.readObject(answer));
        }
        try {
            from.sendSocketModeResponse(ack.toString());
        } catch (RuntimeException e) {
            // taken but not acknowledged: Slack sends it again and the delivery id makes that a no-op
            LOG.warn("Socket Mode envelope {} ({}) taken but its ack could not be sent: {}", envelopeId, kind,
                    e.toString());
        }
    }

    /** The SDK's Java-WebSocket client, with Slack's {@code disconnect} message handled by the connection. */
    private final class HubSocketClient extends SocketModeClientJavaWSImpl {

        HubSocketClient(String url) throws URISyntaxException {
            super(slack, appToken, url, PROCESSING_THREADS, new ConcurrentLinkedMessageQueue(), false, false,
                    settings.checkInterval().toMillis());
            addEventsApiEnvelopeListener(e -> takeSoon(this, EnvelopeKind.EVENTS_API, e, e.getPayload()));
            addSlashCommandsEnvelopeListener(e -> takeSoon(this, EnvelopeKind.SLASH_COMMANDS, e, e.getPayload()));
            addInteractiveEnvelopeListener(e -> takeSoon(this, EnvelopeKind.INTERACTIVE, e, e.getPayload()));
            addWebSocketCloseListener((code, reason) -> {
                if (!closed) {
                    supervisor.execute(SocketConnection.this::check);
                }
            });
        }

        @Override
        public void processMessage(String message) throws IOException {
            if (!message.startsWith("{")) {
                return;
            }
            JsonNode json;
            try {
                json = Json.readObject(message);
            } catch (RuntimeException notJson) {
                LOG.warn("Socket Mode connection {} received something that is not JSON; ignored", number);
                return;
            }
            String type = json.path("type").asText("");
            if ("hello".equals(type)) {
                hello(json);
                return;
            }
            if ("disconnect".equals(type)) {
                supervisor.execute(() -> disconnectRequested(json.path("reason").asText("no reason given")));
                return;
            }
            super.processMessage(message);
        }
    }
}
