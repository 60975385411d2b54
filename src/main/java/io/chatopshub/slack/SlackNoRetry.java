package io.chatopshub.slack;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code X-Slack-No-Retry: 1} on the answers to Slack's requests that a retry cannot change: a body
 * that cannot be understood (400), a method or path the hub does not take (405, 404), a body too
 * large (413), a media type it does not take (415). Slack would otherwise send the same refused
 * request three more times over five minutes. A bad signature (401: the signing secret may be
 * changing), a body that stalled (408) and the hub's own trouble (503) leave Slack's retries on.
 * Slack's own timeout-driven resend is not stopped by it (PROTOCOLS.md).
 */
public final class SlackNoRetry extends OncePerRequestFilter {

    public static final String HEADER = "X-Slack-No-Retry";

    /** True for a refusal a retry of the same request would meet again. */
    public static boolean isFinal(int status) {
        return status == 400 || status == 404 || status == 405 || status == 413 || status == 415;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new HttpServletResponseWrapper(response) {

            @Override
            public void setStatus(int status) {
                mark(status);
                super.setStatus(status);
            }

            @Override
            public void sendError(int status) throws IOException {
                mark(status);
                super.sendError(status);
            }

            @Override
            public void sendError(int status, String message) throws IOException {
                mark(status);
                super.sendError(status, message);
            }

            private void mark(int status) {
                if (isFinal(status) && !isCommitted()) {
                    setHeader(HEADER, "1");
                }
            }
        });
    }
}
