package io.chatopshub.slack.early;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.unit.DataSize;

import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.slack.SlackInbound;
import io.chatopshub.slack.SlackSignatureVerifier;
import io.chatopshub.slack.socket.EnvelopeKind;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.ErrorResponses;
import io.chatopshub.system.InvalidSignatureException;
import io.chatopshub.system.Json;
import io.chatopshub.system.QueryStrings;
import io.chatopshub.system.Utf8;
import io.chatopshub.system.inbound.Delivery;

/**
 * The hub's port while the rest of it starts. Started by {@code main} before Spring, it takes
 * signed Slack requests on {@code server.port} at once: verified on the raw bytes with the
 * signing secret, written to the {@link EarlySpool} (durable before the answer), then answered
 * the way the hub would (a slash command with an ephemeral "received", an event or interaction
 * with 200, {@code url_verification} with its challenge). Every other path is answered 503 with
 * {@code Retry-After}, liveness 200, readiness 503. Just before the hub's web server binds the
 * port, the early edge lets it go ({@link EarlyEdgeConfiguration}); once the hub is ready, what it
 * took is handed to the hub through the same seam Socket Mode uses, and a slash command's real
 * answer goes to its {@code response_url}.
 *
 * <p>The server is the JDK's own ({@code com.sun.net.httpserver}): it is already in every JVM
 * and starts in milliseconds, which is the point; the hub's Tomcat comes with Spring.
 */
public final class EarlyEdge implements AutoCloseable {

    /** The property that turns the early edge off ({@code chatops.early-edge.enabled=false}). */
    public static final String ENABLED = "chatops.early-edge.enabled";

    private final Settings settings;
    private final SlackSignatureVerifier verifier;
    private final EarlySpool spool;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService workers;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** When the process started (the JVM's own clock has no earlier mark), for the log's figures. */
    private final Instant processStart = ProcessHandle.current().info().startInstant().orElse(Instant.now());
    private final long listeningAfterMillis;
    private volatile long firstAnswerAfterMillis = -1;

    /** What the early edge needs, read from the same configuration the hub reads. */
    public record Settings(InetSocketAddress address, String signingSecret, Path dataDir, long maxBodyBytes) {
    }

    private EarlyEdge(Settings settings, Clock clock) throws IOException {
        this.settings = settings;
        this.verifier = new SlackSignatureVerifier(settings.signingSecret(), clock);
        this.spool = new EarlySpool(settings.dataDir());
        this.clock = clock;
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            // a request must arrive whole within 10 s, so a trickling client cannot hold a worker
            System.setProperty("sun.net.httpserver.maxReqTime", "10");
        }
        this.server = HttpServer.create(settings.address(), 128);
        this.workers = Executors.newFixedThreadPool(4, daemonThreads());
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        this.listeningAfterMillis = sinceProcessStart();
    }

    private long sinceProcessStart() {
        return Duration.between(processStart, Instant.now()).toMillis();
    }

    /** Starts an early edge with these settings (tests, and {@link #startIfConfigured}). */
    public static EarlyEdge start(Settings settings, Clock clock) throws IOException {
        return new EarlyEdge(settings, clock);
    }

    /**
     * Starts the early edge when the configuration allows one (HTTP on {@code server.port}, Slack
     * on with a signing secret, not turned off); otherwise, or when anything goes wrong, returns
     * empty with the reason in {@code notes}, and the hub starts as it would without one.
     */
    public static Optional<EarlyEdge> startIfConfigured(String[] args, List<String> notes) {
        try {
            Optional<Settings> settings = settings(args, notes);
            if (settings.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(start(settings.get(), Clock.systemUTC()));
        } catch (Exception | LinkageError e) {
            notes.add("no early edge: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The settings from the command line, the environment and application.yaml, as Spring Boot reads them. */
    static Optional<Settings> settings(String[] args, List<String> notes) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        ConfigDataEnvironmentPostProcessor.applyTo(environment);
        Binder binder = Binder.get(environment);
        if (!binder.bind(ENABLED, Boolean.class).orElse(true)) {
            notes.add("no early edge: " + ENABLED + " is false");
            return Optional.empty();
        }
        if (!binder.bind("chatops.slack.enabled", Boolean.class).orElse(true)
                || binder.bind("chatops.slack.signing-secret", String.class).map(String::isBlank).orElse(true)) {
            notes.add("no early edge: Slack is off or has no signing secret");
            return Optional.empty();
        }
        if (binder.bind("server.ssl.enabled", Boolean.class).orElse(false)
                || binder.bind("server.ssl.bundle", String.class).isBound()
                || !"servlet".equalsIgnoreCase(binder.bind("spring.main.web-application-type", String.class).orElse("servlet"))) {
            notes.add("no early edge: the web server is not plain HTTP");
            return Optional.empty();
        }
        int port = binder.bind("server.port", Integer.class).orElse(8080);
        InetAddress address = binder.bind("server.address", InetAddress.class).orElse(null);
        return Optional.of(new Settings(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port),
                binder.bind("chatops.slack.signing-secret", String.class).get(),
                Path.of(binder.bind("chatops.data-dir", String.class).orElse("./data")),
                binder.bind("chatops.http.max-body-size", DataSize.class).orElse(DataSize.ofMegabytes(1)).toBytes()));
    }

    /** The port it listens on (the configured one, or the one the system chose for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public EarlySpool spool() {
        return spool;
    }

    /** What the hub logs once its logging is up: what the early edge did while it started. */
    public String summary() {
        long first = firstAnswerAfterMillis;
        return "early edge on port " + port() + ", listening " + listeningAfterMillis + " ms after the process started: "
                + taken.get() + " Slack deliveries taken, " + refused.get() + " requests refused or asked to retry"
                + (first < 0 ? "" : ", first answer " + first + " ms after the process started");
    }

    /** Stops taking requests and lets the port go; waits up to a second for answers under way. */
    @Override
    public void close() {
        server.stop(1);
        workers.shutdown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                byte[] body = body(exchange);
                response = take(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders()::getFirst, body);
            } catch (BadRequestException e) {
                response = Response.error(400, "bad_request", e.getMessage());
            }
            send(exchange, response);
        }
    }

    /**
     * The early edge's answer to one request, whatever carried it: the JDK server before the hub
     * had the port, the hub's own servlet filter between the port's handover and the hub's
     * readiness ({@link StartingGate}).
     *
     * @param header the request's header of a name, or null
     * @param body the raw body, or null when it was larger than {@code chatops.http.max-body-size}
     */
    public Response take(String method, String path, UnaryOperator<String> header, byte[] body) {
        Response response;
        try {
            response = answer(method, path, header, body);
        } catch (InvalidSignatureException e) {
            response = Response.error(401, "unauthorized", e.getMessage());
        } catch (BadRequestException e) {
            response = Response.error(400, "bad_request", e.getMessage());
        } catch (IOException e) {
            response = Response.error(503, "unavailable", "The request could not be accepted right now; try again.")
                    .retryAfter();
        }
        if (response.status() >= 300) {
            refused.incrementAndGet();
        } else if (firstAnswerAfterMillis < 0 && !"/actuator/health/liveness".equals(path)) {
            firstAnswerAfterMillis = sinceProcessStart();
        }
        return response;
    }

    private Response answer(String method, String path, UnaryOperator<String> header, byte[] body) throws IOException {
        EnvelopeKind kind = switch (path) {
            case "/slack/events" -> EnvelopeKind.EVENTS_API;
            case "/slack/commands" -> EnvelopeKind.SLASH_COMMANDS;
            case "/slack/interactions" -> EnvelopeKind.INTERACTIVE;
            default -> null;
        };
        if (kind == null) {
            return switch (path) {
                case "/actuator/health/liveness" -> Response.json(200, "{\"status\":\"UP\"}");
                case "/actuator/health", "/actuator/health/readiness" -> Response.json(503, "{\"status\":\"OUT_OF_SERVICE\"}");
                default -> Response.error(503, "starting", "The hub is starting; try again in a few seconds.").retryAfter();
            };
        }
        if (!"POST".equals(method)) {
            return Response.error(405, "method_not_allowed", method + " is not taken here; use POST");
        }
        String mediaType = mediaType(header.apply("Content-Type"));
        String expected = kind == EnvelopeKind.EVENTS_API ? "application/json" : "application/x-www-form-urlencoded";
        if (!expected.equals(mediaType)) {
            return Response.error(415, "unsupported_media_type", path + " takes " + expected);
        }
        if (body == null) {
            return Response.error(413, "body_too_large", "the body is larger than " + settings.maxBodyBytes() + " bytes");
        }
        verifier.verify(header.apply("X-Slack-Request-Timestamp"), header.apply("X-Slack-Signature"), body);
        if (!Utf8.isWellFormed(body)) {
            throw new BadRequestException("the body is not UTF-8");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return switch (kind) {
            case EVENTS_API -> event(text);
            case SLASH_COMMANDS -> command(text);
            case INTERACTIVE -> interaction(text);
        };
    }

    private Response event(String json) throws IOException {
        Delivery delivery = SlackInbound.readEvent(json);
        if (delivery.isQueued()) {
            take(EnvelopeKind.EVENTS_API, delivery.id(), json);
        }
        String answer = delivery.answer().body();
        return answer == null || answer.isEmpty() ? Response.empty() : Response.json(200, answer);
    }

    private Response command(String form) throws IOException {
        Map<String, String> fields = QueryStrings.parseSingle(form);
        Delivery delivery = SlackInbound.readCommandFields(fields);
        take(EnvelopeKind.SLASH_COMMANDS, delivery.id(), Json.write(new LinkedHashMap<>(fields)));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("response_type", "ephemeral");
        reply.put("text", ":hourglass_flowing_sand: `" + Mrkdwn.escape(fields.get("command"))
                + "` is received; the hub is starting and answers it here in a moment.");
        return Response.json(200, Json.write(reply));
    }

    private Response interaction(String form) throws IOException {
        String payload = QueryStrings.parseSingle(form).get("payload");
        if (payload == null) {
            throw new BadRequestException("an interaction needs a payload field");
        }
        ObjectNode root = Json.readObject(payload);
        if (Json.text(root, "type") == null) {
            throw new BadRequestException("an interaction payload needs a type");
        }
        // the hub names an interaction by its kind's rules once it is up; here the payload itself
        // names it, so a retried copy of the same press is written once
        take(EnvelopeKind.INTERACTIVE, "early:interaction:" + payload, payload);
        return Response.empty();
    }

    private void take(EnvelopeKind kind, String deliveryId, String payload) throws IOException {
        if (spool.write(kind, deliveryId, payload, clock.instant())) {
            taken.incrementAndGet();
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The body, or null when it is larger than allowed. */
    private byte[] body(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            if (length != null && Long.parseLong(length.trim()) > settings.maxBodyBytes()) {
                return null;
            }
        } catch (NumberFormatException e) {
            throw new BadRequestException("Content-Length is not a number");
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes() + 1));
            return body.length > settings.maxBodyBytes() ? null : body;
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        if (response.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
        }
        if (response.retryAfterSeconds() > 0) {
            exchange.getResponseHeaders().set("Retry-After", String.valueOf(response.retryAfterSeconds()));
        }
        if (response.status() >= 400) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "early-edge-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** An answer of the early edge. */
    public record Response(int status, String contentType, String body, int retryAfterSeconds) {

        static Response json(int status, String json) {
            return new Response(status, "application/json", json, 0);
        }

        static Response empty() {
            return new Response(200, null, "", 0);
        }

        static Response error(int status, String error, String message) {
            return json(status, ErrorResponses.body(error, message));
        }

        Response retryAfter() {
            return new Response(status, contentType, body, 5);
        }
    }
}
