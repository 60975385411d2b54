package io.chatopshub.slack.early;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;

import io.chatopshub.gitlab.GitlabHooks;
import io.chatopshub.gitlab.GitlabProperties;
import io.chatopshub.mackerel.MackerelInbound;
import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.slack.SlackInbound;
import io.chatopshub.slack.SlackNoRetry;
import io.chatopshub.slack.SlackSignatureVerifier;
import io.chatopshub.slack.socket.EnvelopeKind;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.ErrorResponses;
import io.chatopshub.system.InboundErrors;
import io.chatopshub.system.Json;
import io.chatopshub.system.QueryStrings;
import io.chatopshub.system.Secrets;
import io.chatopshub.system.Utf8;
import io.chatopshub.system.inbound.Delivery;
import io.chatopshub.system.inbound.InboundEdge;
import io.chatopshub.system.inbound.InboundKind;
import io.chatopshub.system.inbound.InboundRequest;

/**
 * The hub's port while the rest of it starts. Started by {@code main} before Spring, it takes
 * signed Slack requests on {@code server.port} at once: verified on the raw bytes with the
 * signing secret, written to the {@link EarlySpool} (durable before the answer), then answered
 * the way the hub would (a slash command with an ephemeral "received", an event or interaction
 * with 200, {@code url_verification} with its challenge). Mackerel's alerts and GitLab's results,
 * which their senders send only once, are taken too when their tokens are set, read by the
 * endpoints' own kinds. SNS and {@code /actuator/*} are answered 503 with {@code Retry-After} (liveness 200,
 * readiness 503), any other path 404. Just before the hub's web server binds the port, the early
 * edge lets it go ({@link EarlyEdgeConfiguration}); once the hub is ready, what it took is handed
 * to the hub through the same seams Socket Mode and the endpoints use, and a slash command's real
 * answer goes to its {@code response_url}.
 *
 * <p>The server is Netty's HTTP codec on one event-loop thread (the Netty the embedded broker
 * already carries): it starts in milliseconds, which is the point, and every answer it gives is
 * the hub's own JSON, malformed HTTP included (the JDK's built-in server answers that with HTML of
 * its own). Verification and the flushed write run on four worker threads, never on the event
 * loop; a client may pause at most 10 s between reads.
 */
public final class EarlyEdge implements AutoCloseable {

    /** The property that turns the early edge off ({@code chatops.early-edge.enabled=false}). */
    public static final String ENABLED = "chatops.early-edge.enabled";

    private final Settings settings;
    private final SlackSignatureVerifier verifier;
    private final Map<String, Hook> hooks;
    private final EarlySpool spool;
    private final Clock clock;
    private final EventLoopGroup loop;
    private final ThreadPoolExecutor workers;
    private final Channel server;
    /** Its open connections: the idle ones are closed with the port, the busy ones once answered. */
    private final ChannelGroup connections = new DefaultChannelGroup("early-edge", GlobalEventExecutor.INSTANCE);
    private final AtomicLong taken = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong refused = new AtomicLong();
    /** When the process started (the JVM's own clock has no earlier mark), for the log's figures. */
    private final Instant processStart = ProcessHandle.current().info().startInstant().orElse(Instant.now());
    private final long listeningAfterMillis;
    private volatile long firstAnswerAfterMillis = -1;

    /**
     * What the early edge needs, read from the same configuration the hub reads.
     *
     * @param signingSecret Slack's signing secret; null: Slack's paths are asked to come back
     * @param mackerelToken {@code chatops.mackerel.webhook-token}; null: {@code /hooks/mackerel} is asked to come back
     * @param gitlab        {@code chatops.gitlab.*} when it has a webhook token or signing token; null:
     *                      {@code /hooks/gitlab} and {@code /hooks/deploy-result} are asked to come back
     */
    public record Settings(InetSocketAddress address, String signingSecret, String mackerelToken, GitlabProperties gitlab,
                           Path dataDir, long maxBodyBytes) {

        /** Slack only. */
        public Settings(InetSocketAddress address, String signingSecret, Path dataDir, long maxBodyBytes) {
            this(address, signingSecret, null, null, dataDir, maxBodyBytes);
        }
    }

    /** A webhook the early edge takes: the endpoint's own kind, and the methods its route takes. */
    private record Hook(InboundKind kind, Set<String> methods) {
    }

    private EarlyEdge(Settings settings, Clock clock) throws IOException {
        this.settings = settings;
        this.verifier = settings.signingSecret() == null ? null : new SlackSignatureVerifier(settings.signingSecret(), clock);
        Map<String, Hook> byPath = new HashMap<>();
        if (settings.mackerelToken() != null) {
            byPath.put("/hooks/mackerel", new Hook(MackerelInbound.withToken(settings.mackerelToken()), Set.of("POST")));
        }
        if (settings.gitlab() != null) {
            GitlabHooks gitlab = GitlabHooks.kindsOnly(settings.gitlab());
            byPath.put("/hooks/gitlab", new Hook(gitlab.pipelineHooks(), Set.of("POST")));
            if (settings.gitlab().webhookToken() != null) {
                byPath.put("/hooks/deploy-result", new Hook(gitlab.deployResults(), Set.of("GET", "POST")));
            }
        }
        this.hooks = Map.copyOf(byPath);
        this.spool = new EarlySpool(settings.dataDir());
        this.clock = clock;
        this.loop = new NioEventLoopGroup(1, new DefaultThreadFactory("early-edge-io", true));
        this.workers = new ThreadPoolExecutor(4, 4, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1024),
                new DefaultThreadFactory("early-edge", true));
        int maxBody = (int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes());
        Channel bound = null;
        try {
            bound = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // a client that half-closes after a short body still gets its 400
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            connections.add(channel);
                            channel.pipeline().addLast(new ReadTimeoutHandler(10), new HttpServerCodec(),
                                    new CutShort(), new Aggregator(maxBody), new Handler());
                        }
                    }).bind(settings.address()).syncUninterruptibly().channel();
        } finally {
            this.server = bound;
            if (bound == null) {
                close();
            }
        }
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
        String secret = binder.bind("chatops.slack.enabled", Boolean.class).orElse(true)
                ? setting(binder, "chatops.slack.signing-secret") : null;
        String mackerelToken = setting(binder, "chatops.mackerel.webhook-token");
        GitlabProperties gitlab = binder.bindOrCreate("chatops.gitlab", GitlabProperties.class);
        if (gitlab.webhookToken() == null && gitlab.webhookSigningToken() == null) {
            gitlab = null;
        }
        if (secret == null && mackerelToken == null && gitlab == null) {
            notes.add("no early edge: neither Slack (on, with a signing secret) nor a Mackerel or GitLab webhook token is configured");
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
                secret, mackerelToken, gitlab, Path.of(binder.bind("chatops.data-dir", String.class).orElse("./data")),
                binder.bind("chatops.http.max-body-size", DataSize.class).orElse(DataSize.ofMegabytes(1)).toBytes()));
    }

    /** A text setting as the hub binds it, or null when it is not set or blank. */
    private static String setting(Binder binder, String key) {
        String value = binder.bind(key, String.class).orElse("");
        return value.isBlank() ? null : value;
    }

    /** The port it listens on (the configured one, or the one the system chose for port 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public EarlySpool spool() {
        return spool;
    }

    /** What the hub logs once its logging is up: what the early edge did while it started. */
    public String summary() {
        long first = firstAnswerAfterMillis;
        return "early edge on port " + port() + ", listening " + listeningAfterMillis + " ms after the process started: "
                + taken.get() + " deliveries taken, " + refused.get() + " requests refused or asked to retry"
                + (first < 0 ? "" : ", first answer " + first + " ms after the process started");
    }

    /** How many of its connections have a request read in part or whole and not yet answered. */
    long requestsUnderWay() {
        return connections.stream().filter(EarlyEdge::inExchange).count();
    }

    /**
     * Stops taking requests and lets the port go. A kept-alive connection with no request under way
     * is closed now (its client opens a new one, to the hub); a request under way is answered, by
     * the same workers, with {@code Connection: close}. Waits up to a second for those answers.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (server != null) {
            server.close().syncUninterruptibly();
            // on the event loop, which reads every connection: one found idle here has no request read yet
            loop.submit(() -> connections.stream().filter(channel -> !inExchange(channel))
                    .toList().forEach(Channel::close)).syncUninterruptibly();
            connections.newCloseFuture().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        workers.shutdown();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * The early edge's answer to one request, whatever carried it: its own server before the hub
     * had the port, the hub's own servlet filter between the port's handover and the hub's
     * readiness ({@link StartingGate}). A body over {@code chatops.http.max-body-size} never gets
     * here: Netty's aggregator and the hub's body filter answer it 413 first.
     *
     * @param query the query string (still encoded), or null
     * @param header the request's header of a name, or null
     * @param body the raw body
     */
    public Response take(String method, String path, String query, UnaryOperator<String> header, byte[] body) {
        Response response;
        try {
            Hook hook = hooks.get(path);
            response = hook != null ? hook(path, hook, method, query, header, body) : answer(method, path, header, body);
        } catch (IOException e) {
            response = unavailable();
        } catch (RuntimeException e) {
            InboundErrors.Refusal refusal = InboundErrors.refusal(e);
            if (refusal == null) {
                throw e;
            }
            response = Response.error(refusal.status(), refusal.error(), e.getMessage());
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
                case "/hooks/mackerel", "/hooks/cloudwatch", "/hooks/gitlab", "/hooks/deploy-result" -> starting();
                default -> path.startsWith("/actuator/") ? starting() : Response.error(404, "not_found", "Nothing here.");
            };
        }
        if (verifier == null) {
            return starting();
        }
        if (!"POST".equals(method)) {
            return notAllowed(method, Set.of("POST"));
        }
        // the media types of the Slack kinds (SlackInbound), checked as the hub's edge checks them
        InboundEdge.checkMediaType(List.of(kind == EnvelopeKind.EVENTS_API ? MediaType.APPLICATION_JSON
                : MediaType.APPLICATION_FORM_URLENCODED), method, header.apply("Content-Type"));
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

    /**
     * A webhook whose sender does not send again (Mackerel's alerts, GitLab's pipeline events, a CI
     * job's deploy result): read by the endpoint's own kind (its token or signature, then the body,
     * refused and answered as the hub refuses and answers them), and what the hub would queue is
     * written under the delivery id the hub names it by (a repeated notification of one alert state
     * lands on the same file) before the answer. Only what the kind read is written, never a token.
     */
    private Response hook(String path, Hook hook, String method, String query, UnaryOperator<String> header, byte[] body)
            throws IOException {
        if (!hook.methods().contains(method)) {
            return notAllowed(method, hook.methods());
        }
        if (!Utf8.isWellFormed(body)) {
            throw new BadRequestException("the body is not UTF-8");
        }
        Delivery delivery = InboundEdge.accept(hook.kind(), new InboundRequest(method, body, header, query));
        if (delivery.isQueued() && spool.writeHook(path, delivery, clock.instant())) {
            taken.incrementAndGet();
        }
        return new Response(delivery.answer().status(), delivery.answer().contentType(), delivery.answer().body(), 0);
    }

    private static Response notAllowed(String method, Set<String> allowed) {
        return Response.error(405, "method_not_allowed", method + " is not taken here; use "
                + String.join(" or ", new TreeSet<>(allowed)));
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
        String type = Json.text(root, "type");
        if (type == null) {
            throw new BadRequestException("an interaction payload needs a type");
        }
        take(EnvelopeKind.INTERACTIVE, SlackInbound.interactionId(type, root), payload);
        return Response.empty();
    }

    private void take(EnvelopeKind kind, String deliveryId, String payload) throws IOException {
        if (spool.write(kind, deliveryId, payload, clock.instant())) {
            taken.incrementAndGet();
        }
    }

    private static Response starting() {
        return Response.error(503, "starting", "The hub is starting; try again in a few seconds.").retryAfter();
    }

    private static Response unavailable() {
        return Response.error(503, "unavailable", "The request could not be accepted right now; try again.").retryAfter();
    }

    /**
     * A client that half-closes its side before the body it announced has arrived is answered 400
     * (Netty's decoder leaves such a request unfinished, and the client would wait for nothing).
     */
    private final class CutShort extends ChannelInboundHandlerAdapter {

        private boolean inRequest;
        private long swallowed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof HttpRequest) {
                inRequest = true;
                swallowed = 0;
                ctx.channel().attr(ANSWERED).set(false);
                ctx.channel().attr(IN_EXCHANGE).set(true);
            }
            boolean last = message instanceof LastHttpContent;
            if (last) {
                inRequest = false;
            }
            int size = message instanceof HttpContent content ? content.content().readableBytes() : 0;
            ctx.fireChannelRead(message);
            // a 413 answered while the body was still coming: its connection closes once the body has
            // been read (closing with unread bytes resets it, and the client may lose the answer)
            if (Boolean.TRUE.equals(ctx.channel().attr(CLOSE_AFTER_BODY).get())) {
                swallowed += size;
                if (last || swallowed > SWALLOW_LIMIT) {
                    closeAfterWrites(ctx);
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent && inRequest) {
                inRequest = false;
                if (Boolean.TRUE.equals(ctx.channel().attr(ANSWERED).get())) {
                    closeAfterWrites(ctx); // answered already (413): the rest of its body will not come
                } else {
                    refused.incrementAndGet();
                    write(ctx, Response.error(400, "bad_request", "The body ended before its Content-Length."), false);
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    /** Netty's aggregator, answering a body over the limit with the hub's JSON 413. */
    private final class Aggregator extends HttpObjectAggregator {

        Aggregator(int maxBody) {
            super(maxBody);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            refused.incrementAndGet();
            Response tooLarge = Response.error(413, "body_too_large", "the body is larger than " + settings.maxBodyBytes()
                    + " bytes");
            if (oversized instanceof HttpRequest request) {
                tooLarge = tooLarge.toSlack(request.uri());
            }
            // as Netty's own: a connection that can go on reads the rest of the body and drops it; one
            // that cannot (part of the body read already, or no keep-alive) is closed after the body
            // has come, at most SWALLOW_LIMIT more bytes and SWALLOW_TIME later
            boolean close = oversized instanceof FullHttpMessage
                    || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
            if (!close) {
                write(ctx, tooLarge, true);
                return;
            }
            writeNoClose(ctx, tooLarge, false);
            ctx.channel().attr(CLOSE_AFTER_BODY).set(true);
            ctx.executor().schedule(() -> closeAfterWrites(ctx), SWALLOW_TIME.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Hands a whole request to a worker (verification and the flushed write block) and writes its answer. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                refused.incrementAndGet();
                write(ctx, Response.error(400, "bad_request", "The request is not well-formed HTTP."), false);
                return;
            }
            String method = request.method().name();
            String uri = request.uri();
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            try {
                if (query >= 0) {
                    QueryStrings.parse(uri.substring(query + 1));
                }
            } catch (BadRequestException e) {
                refused.incrementAndGet();
                write(ctx, Response.error(400, "bad_request", e.getMessage()), false);
                return;
            }
            HttpHeaders headers = request.headers().copy();
            byte[] body = ByteBufUtil.getBytes(request.content());
            String queryString = query < 0 ? null : uri.substring(query + 1);
            try {
                workers.execute(() -> {
                    Response response = take(method, path, queryString, headers::get, body).toSlack(path);
                    write(ctx, response, keepAlive && response.status() < 400);
                });
            } catch (RejectedExecutionException e) {
                write(ctx, unavailable(), false);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a read timeout or a reset: nothing was taken, and the sender tries again
            ctx.close();
        }
    }

    private static final AttributeKey<Boolean> ANSWERED = AttributeKey.valueOf("chatops.early-edge.answered");
    /** From a request's first byte read until its answer is written: a connection the close must not cut. */
    private static final AttributeKey<Boolean> IN_EXCHANGE = AttributeKey.valueOf("chatops.early-edge.in-exchange");
    private static final AttributeKey<Boolean> CLOSE_AFTER_BODY = AttributeKey.valueOf("chatops.early-edge.close-after-body");
    /** How much of a refused body is read and dropped, and for how long, before its connection is closed anyway. */
    private static final long SWALLOW_LIMIT = 8L * 1024 * 1024;
    private static final Duration SWALLOW_TIME = Duration.ofSeconds(5);

    /** Whether a request on {@code channel} has been read in part or whole and not yet answered. */
    private static boolean inExchange(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(IN_EXCHANGE).get());
    }

    /** Writes an answer; the connection is kept only when asked and the edge is not closing. */
    private void write(ChannelHandlerContext ctx, Response answer, boolean keepAlive) {
        boolean keep = keepAlive && !closed.get();
        writeNoClose(ctx, answer, keep).addListener((ChannelFuture written) -> {
            // on the event loop, as close()'s look for idle connections: closing since, this one is not kept either
            if (!keep || closed.get()) {
                written.channel().close();
            } else {
                written.channel().attr(IN_EXCHANGE).set(false);
            }
        });
    }

    private static void closeAfterWrites(ChannelHandlerContext ctx) {
        if (ctx.channel().isOpen()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static ChannelFuture writeNoClose(ChannelHandlerContext ctx, Response answer, boolean keepAlive) {
        ctx.channel().attr(ANSWERED).set(true);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body().getBytes(StandardCharsets.UTF_8)));
        if (answer.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        }
        if (answer.retryAfterSeconds() > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, answer.retryAfterSeconds());
        }
        if (answer.noRetry()) {
            response.headers().set(SlackNoRetry.HEADER, "1");
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        return ctx.writeAndFlush(response);
    }

    /** An answer of the early edge. */
    public record Response(int status, String contentType, String body, int retryAfterSeconds, boolean noRetry) {

        Response(int status, String contentType, String body, int retryAfterSeconds) {
            this(status, contentType, body, retryAfterSeconds, false);
        }

        static Response json(int status, String json) {
            return new Response(status, "application/json", json, 0);
        }

        static Response empty() {
            return new Response(200, null, "", 0);
        }

        /** The answer to a request on Slack's paths: {@code X-Slack-No-Retry} when a retry would be refused too. */
        Response toSlack(String path) {
            boolean slack = path.startsWith("/slack/") && SlackNoRetry.isFinal(status);
            return slack ? new Response(status, contentType, body, retryAfterSeconds, true) : this;
        }

        static Response error(int status, String error, String message) {
            return json(status, ErrorResponses.body(error, message));
        }

        Response retryAfter() {
            return new Response(status, contentType, body, 5, noRetry);
        }
    }
}
