package io.chatopshub.system;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may use the operator console (Hawtio, Jolokia, the actuator endpoints) and how hard guessing
 * its password is.
 *
 * @param enabled              false keeps Hawtio and Jolokia out of the process (read before the
 *                             context starts, by {@code io.chatopshub.ops.ConsoleConfiguration})
 * @param loginFailuresAllowed wrong passwords a client (IP address) or a user name may send before
 *                             each further attempt has to wait
 * @param loginMaxDelay        the wait doubles from one second with every further failure, up to this
 * @param allowedOrigins       origins other than the console's own whose pages may call Jolokia, e.g.
 *                             a standalone Hawtio ({@code https://hawtio.example.com}); none by default
 */
@ConfigurationProperties("chatops.console")
record ConsoleProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5") int loginFailuresAllowed,
        @DefaultValue("15m") Duration loginMaxDelay,
        @DefaultValue List<String> allowedOrigins) {

    ConsoleProperties {
        if (loginFailuresAllowed < 1) {
            throw new IllegalArgumentException("chatops.console.login-failures-allowed must be at least 1, was "
                    + loginFailuresAllowed);
        }
        if (loginMaxDelay == null || loginMaxDelay.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("chatops.console.login-max-delay must be at least 1s, was " + loginMaxDelay);
        }
        allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins.stream().map(String::trim)
                .filter(origin -> !origin.isEmpty()).map(ConsoleProperties::origin).toList();
    }

    private static String origin(String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (!HttpUrls.isHttp(uri) || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
            throw new IllegalArgumentException("chatops.console.allowed-origins: '" + value
                    + "' is not an origin (scheme://host[:port], no path)");
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
