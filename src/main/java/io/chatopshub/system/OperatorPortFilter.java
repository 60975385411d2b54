package io.chatopshub.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With {@code management.server.port} set, the console, the actuator and the login pages live on
 * the management port only. Spring Security's filter chain serves both ports, and would answer an
 * operator path on the public port with 401 and a login form; this answers 404 instead, so the
 * public port shows nothing but the webhooks.
 */
final class OperatorPortFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !WebConfiguration.isOperatorPath(request.getRequestURI()) || onManagementServer(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ErrorResponses.write(response, 404, "not_found", "Nothing here.");
    }

    private static boolean onManagementServer(HttpServletRequest request) {
        WebApplicationContext context = WebApplicationContextUtils.getWebApplicationContext(request.getServletContext());
        return context != null && WebServerApplicationContext.hasServerNamespace(context, "management");
    }
}
