package io.chatopshub.system;

import jakarta.servlet.http.HttpServletRequest;

/** The paths senders post to: Slack under {@code /slack/}, every other service under {@code /hooks/}. */
public final class WebhookPaths {

    private WebhookPaths() {
    }

    /** True for a request URI under {@code /slack/} or {@code /hooks/}. */
    public static boolean matches(String requestUri) {
        return requestUri.startsWith("/slack/") || requestUri.startsWith("/hooks/");
    }

    /**
     * The path as the container mapped the request (its servlet path and path info, after folding
     * {@code //} and dot segments away), e.g. {@code /slack/events}.
     */
    public static String mappedPath(HttpServletRequest request) {
        String info = request.getPathInfo();
        return request.getServletPath() + (info == null ? "" : info);
    }
}
