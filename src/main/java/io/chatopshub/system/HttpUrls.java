package io.chatopshub.system;

import java.net.URI;

/** The one test of a configured URL that the hub calls or trusts: absolute, http or https, with a host. */
public final class HttpUrls {

    private HttpUrls() {
    }

    /**
     * True when {@code uri} is an absolute {@code http://} or {@code https://} URL with a host
     * ({@code slack.com} alone is a relative path, and {@code mailto:} has no host).
     */
    public static boolean isHttp(URI uri) {
        return uri != null && uri.getHost() != null
                && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
    }
}
