package io.chatopshub.cloudwatch;

import io.chatopshub.system.HttpUrls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The gate in front of every URL an SNS message asks the hub to fetch. The URL comes from the
 * unverified body, so it is checked before any request: it must match the configured pattern
 * from its first character, parse as a plain absolute URL, and carry no user-info or fragment
 * that could make the host seen by the pattern differ from the host connected to.
 */
final class SnsUrls {

    private final Pattern pattern;

    SnsUrls(String pattern) {
        this.pattern = Pattern.compile(pattern);
    }

    /** True when a signing certificate may be fetched from {@code url}. */
    boolean certificateAllowed(String url) {
        URI uri = allowed(url);
        return uri != null && uri.getRawPath() != null && uri.getRawPath().endsWith(".pem") && uri.getRawQuery() == null;
    }

    /** True when a {@code SubscribeURL} may be fetched. */
    boolean subscribeAllowed(String url) {
        return allowed(url) != null;
    }

    private URI allowed(String url) {
        if (url == null || url.isEmpty() || !pattern.matcher(url).lookingAt()) {
            return null;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= ' ' || c == '\\' || c >= 0x7f) {
                return null;
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        return HttpUrls.isHttp(uri) && !uri.isOpaque() && uri.getRawUserInfo() == null && uri.getRawFragment() == null
                ? uri : null;
    }
}
