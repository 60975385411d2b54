package io.chatopshub.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts {@link LoginThrottle} in front of both ways to log in (HTTP Basic and the login form):
 * an attempt that must wait is answered 429 with {@code Retry-After} before any password is
 * checked. Outcomes are learnt from Spring Security's authentication events, which carry the
 * user name and the client address of both.
 */
final class LoginThrottleFilter extends OncePerRequestFilter {

    private final LoginThrottle throttle;

    LoginThrottleFilter(LoginThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String user = attemptedUser(request);
        if (user != null) {
            Duration wait = throttle.waitFor(request.getRemoteAddr(), user);
            if (!wait.isZero()) {
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                response.setHeader("Retry-After", Long.toString(seconds));
                ErrorResponses.write(response, 429, "too_many_login_failures",
                        "Too many wrong passwords: try again in " + seconds + " s.");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** The user name of a login attempt, or null when the request is not one. */
    static String attemptedUser(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        if ("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath())) {
            String user = request.getParameter("username");
            return user == null ? "" : user;
        }
        return null;
    }

    /** Counts a failed login and clears the counters on success; an application listener calls it. */
    static void record(LoginThrottle throttle, AbstractAuthenticationEvent event) {
        if (!(event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details)) {
            return;
        }
        String user = event.getAuthentication().getName();
        if (event instanceof AbstractAuthenticationFailureEvent) {
            throttle.failed(details.getRemoteAddress(), user);
        } else if (event instanceof AuthenticationSuccessEvent) {
            throttle.succeeded(details.getRemoteAddress(), user);
        }
    }
}
