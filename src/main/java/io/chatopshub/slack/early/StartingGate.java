package io.chatopshub.slack.early;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.filter.OncePerRequestFilter;

import io.chatopshub.system.RawBody;

/**
 * The early edge's second stretch. Spring Boot's web server takes the port before Camel has
 * started the routes behind {@code /slack/*} and {@code /hooks/*} (Camel starts once the context is
 * refreshed); until the hub is ready this filter gives those paths the early edge's answers
 * (signed Slack requests taken into the spool, the rest asked to retry), so a request in that
 * moment is neither refused nor lost. {@link EarlySpoolDrain} closes the gate before it reads the
 * spool, and closing waits for any request the early edge is still taking.
 */
public final class StartingGate extends OncePerRequestFilter {

    private final ObjectProvider<EarlyStart> early;
    private final ReentrantReadWriteLock taking = new ReentrantReadWriteLock();
    private volatile boolean open = true;

    StartingGate(ObjectProvider<EarlyStart> early) {
        this.early = early;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        EarlyEdge edge = open ? edge() : null;
        EarlyEdge.Response answer = null;
        if (edge != null) {
            taking.readLock().lock();
            try {
                if (open) {
                    // the body filter before this one has read (or refused 413) every body on these paths
                    byte[] body = RawBody.of(request);
                    answer = edge.take(request.getMethod(), request.getRequestURI(), request.getQueryString(), request::getHeader,
                            body == null ? new byte[0] : body);
                }
            } finally {
                taking.readLock().unlock();
            }
        }
        if (answer == null) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(answer.status());
        if (answer.contentType() != null) {
            response.setContentType(answer.contentType());
        }
        if (answer.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", String.valueOf(answer.retryAfterSeconds()));
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** From now on the hub's routes answer; returns once no request is being taken by the early edge. */
    public void close() {
        taking.writeLock().lock();
        try {
            open = false;
        } finally {
            taking.writeLock().unlock();
        }
    }

    private EarlyEdge edge() {
        EarlyStart start = early.getIfAvailable();
        return start == null ? null : start.edge().orElse(null);
    }
}
