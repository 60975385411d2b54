package io.chatopshub.system;

/** The paths senders post to: Slack under {@code /slack/}, every other service under {@code /hooks/}. */
public final class WebhookPaths {

    private WebhookPaths() {
    }

    /** True for a request URI under {@code /slack/} or {@code /hooks/}. */
    public static boolean matches(String requestUri) {
        return requestUri.startsWith("/slack/") || requestUri.startsWith("/hooks/");
    }
}
