package io.chatopshub.ops;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.chatopshub.system.WebhookPaths;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@value #NAME}: how long the hub takes to answer Slack and webhook senders, per endpoint, as a
 * histogram. Slack gives up after 3 s, so that bound is one of the buckets. It runs before
 * anything else on these paths (body capture, signature checks), so it measures what the sender
 * waits for.
 */
class AckTimingFilter extends OncePerRequestFilter {

    static final String NAME = "chatops.inbound.ack";
    static final Duration SLACK_DEADLINE = Duration.ofSeconds(3);
    private static final Pattern KNOWN_SHAPE = Pattern.compile("/(slack|hooks)/[a-z0-9-]{1,40}");

    private final MeterRegistry registry;
    /** One timer per endpoint and status, built once (a builder per request cost more than the recording). */
    private final java.util.concurrent.ConcurrentMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    AckTimingFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !WebhookPaths.matches(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        String path = request.getRequestURI();
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record(path, response, start);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    /** The body is read in one asynchronous cycle and the route answers in the next: follow it. */
                    @Override
                    public void onStartAsync(AsyncEvent event) {
                        event.getAsyncContext().addListener(this);
                    }
                });
            } else {
                record(path, response, start);
            }
        }
    }

    private void record(String path, HttpServletResponse response, long start) {
        int status = response.getStatus();
        String endpoint = endpoint(path, status);
        timers.computeIfAbsent(endpoint + " " + status, key -> Timer.builder(NAME)
                        .description("Time to answer Slack and webhook requests, by endpoint and status")
                        .tag("endpoint", endpoint)
                        .tag("status", Integer.toString(status))
                        .publishPercentileHistogram()
                        .serviceLevelObjectives(SLACK_DEADLINE)
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry))
                .record(Duration.ofNanos(System.nanoTime() - start));
    }

    /** The path as tag, except for unknown paths, which must not add a time series each. */
    static String endpoint(String path, int status) {
        return status != 404 && KNOWN_SHAPE.matcher(path).matches() ? path : "other";
    }
}
