package io.chatopshub.system;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What Jolokia accepts from a browser, beyond the login. A browser sends a logged-in operator's
 * Basic credentials along with any request a foreign page makes, and a GET ({@code <img src=
 * ".../jolokia/exec/...">}) carries neither a CSRF token nor, usually, an {@code Origin}. So:
 * <ul>
 *   <li>a GET may only read (Jolokia's {@code read}, {@code list}, {@code search}, {@code version});
 *       operations, writes and everything else must be POSTed, where the CSRF token is checked;</li>
 *   <li>a request that names an {@code Origin} must come from the console's own origin or one of
 *       {@code chatops.console.allowed-origins}: a foreign page can neither read answers nor act.</li>
 * </ul>
 * Done here rather than in Jolokia's {@code jolokia-access.xml}: its {@code <http>} rule allows or
 * forbids a method for every command at once, and its CORS check needs the console's public URL
 * written into the file, while this compares the {@code Origin} with the host the request reached.
 */
final class JolokiaRequestGuard extends OncePerRequestFilter {

    private static final Set<String> READ_ONLY = Set.of("", "read", "list", "search", "version");

    private final List<String> allowedOrigins;

    JolokiaRequestGuard(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isJolokia(request.getRequestURI());
    }

    static boolean isJolokia(String path) {
        return path.startsWith("/actuator/jolokia") || path.startsWith("/actuator/hawtio/jolokia");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(request, origin) && !allowedOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
            ErrorResponses.write(response, 403, "forbidden_origin",
                    "Jolokia answers only the console's own pages (chatops.console.allowed-origins).");
            return;
        }
        String method = request.getMethod();
        if (!"POST".equals(method) && !("GET".equals(method) && READ_ONLY.contains(commandOf(request)))) {
            response.setHeader("Allow", "POST");
            ErrorResponses.write(response, 405, "method_not_allowed",
                    "Jolokia operations and writes must be sent with POST.");
            return;
        }
        chain.doFilter(request, response);
    }

    /** The Jolokia command of a GET: the first path element after {@code jolokia}, or of its {@code p} parameter. */
    static String commandOf(HttpServletRequest request) {
        String path = request.getParameter("p");
        if (path == null) {
            String uri = request.getRequestURI();
            int at = uri.indexOf("/jolokia");
            path = uri.substring(at + "/jolokia".length());
        }
        path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        int end = path.indexOf('/', start);
        return path.substring(start, end < 0 ? path.length() : end).toLowerCase(Locale.ROOT);
    }

    private static boolean sameOrigin(HttpServletRequest request, String origin) {
        String scheme = request.getScheme().toLowerCase(Locale.ROOT);
        int port = request.getServerPort();
        boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        String own = scheme + "://" + request.getServerName().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        return own.equals(origin.toLowerCase(Locale.ROOT));
    }
}
