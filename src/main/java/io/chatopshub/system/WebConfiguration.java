package io.chatopshub.system;

import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.threads.VirtualThreadExecutor;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The HTTP edge. Webhook paths authenticate each request by its own signature or token, so
 * they are open to the network and exempt from CSRF; everything operators use (Hawtio and its
 * Jolokia endpoint, actuator endpoints other than health) needs a login. Every refusal, down to
 * those Tomcat makes itself, is the hub's JSON error.
 *
 * <p>Hawtio is a single-page application that posts JMX operations to Jolokia. It reads the
 * {@code XSRF-TOKEN} cookie and sends it back as {@code X-XSRF-TOKEN}, so the CSRF token lives in
 * a cookie readable by scripts (the pattern Spring Security documents for single-page apps);
 * the session cookie itself stays HTTP-only and same-site.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
class WebConfiguration {

    @Bean
    FilterRegistrationBean<InboundBodyFilter> inboundBodyFilter(HubProperties hub) {
        var registration = new FilterRegistrationBean<>(new InboundBodyFilter(hub.http().maxBodySize().toBytes(),
                hub.http().bodyTimeout(), hub.http().nonBlockingReads()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/slack/*", "/hooks/*");
        return registration;
    }

    /** Answers, on Tomcat's error dispatch, a webhook body whose bytes stopped coming (see {@link #bodyUploadTimeout}). */
    @Bean
    FilterRegistrationBean<Filter> inboundBodyTimedOut(FilterRegistrationBean<InboundBodyFilter> inboundBodyFilter) {
        var registration = new FilterRegistrationBean<>(inboundBodyFilter.getFilter().timedOutBodies());
        registration.setDispatcherTypes(DispatcherType.ERROR);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /**
     * With blocking reads, a webhook body whose bytes stop coming would hold its request until
     * Tomcat's read timeout, the connection timeout (60 s by default), ends the read: the filter can
     * check {@code chatops.http.body-timeout} only between bytes. Tomcat's upload timeout bounds each
     * wait for bytes of a body instead, from the end of the request's headers until its answer; the
     * connection timeout still bounds request heads, and the keep-alive timeout idle connections.
     * It applies to every path of the connector, so it is never longer than the connection timeout it
     * replaces (set by Spring Boot's own customizer, which runs before this one). With non-blocking
     * reads the request's asynchronous timeout already answers a stalled body 408; the upload timeout
     * stays off there, so that the two do not race.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> bodyUploadTimeout(HubProperties hub) {
        return factory -> factory.addConnectorCustomizers(connector -> {
            if (!hub.http().nonBlockingReads() && connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
                long connectionTimeout = http.getConnectionTimeout() > 0 ? http.getConnectionTimeout() : Integer.MAX_VALUE;
                http.setConnectionUploadTimeout((int) Math.min(connectionTimeout, hub.http().bodyTimeout().toMillis()));
                http.setDisableUploadTimeout(false);
            }
        });
    }

    /**
     * On a JVM with virtual threads (21 and later: the image and {@code scripts/run-hub} run 25),
     * Tomcat runs each request on a virtual thread of its own instead of one of its 64 pool
     * threads. A client that trickles its body then parks a virtual thread, not a pool thread, so
     * no number of slow clients keeps a signed request waiting, while blocking reads keep their
     * JSON 400 for a body cut short. On JDK 17 the pool stays (and
     * {@code chatops.http.non-blocking-reads} is the way to hold no thread per slow client).
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> virtualRequestThreads(HubProperties hub) {
        return factory -> {
            if (hub.http().virtualThreads() && Runtime.version().feature() >= 21) {
                factory.addProtocolHandlerCustomizers(handler -> handler.setExecutor(new VirtualThreadExecutor("http-")));
            }
        };
    }

    /**
     * Replaces Tomcat's HTML error page with {@link JsonErrorReportValve}. Runs after Spring Boot's
     * own customizer, which adds a plain {@code ErrorReportValve} to the host.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                host.getPipeline().addValve(new JsonErrorReportValve());
            }
        });
    }

    /**
     * Webhook paths get a chain of their own with no filter in it: each request proves itself by
     * its signature or token, carries no session, cookie or CSRF token, and is answered by the
     * route, so the dozen filters of the operator chain would only cost time on the path Slack
     * times out after 3 s.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain webhookFilterChain(HttpSecurity http) throws Exception {
        // path patterns, not Spring MVC's: these paths are served by the webhook servlet, not the dispatcher
        http.securityMatcher(new OrRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher("/slack/**"),
                        PathPatternRequestMatcher.withDefaults().matcher("/hooks/**")))
                .csrf(AbstractHttpConfigurer::disable)
                .securityContext(AbstractHttpConfigurer::disable)
                .sessionManagement(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .exceptionHandling(AbstractHttpConfigurer::disable)
                .headers(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .servletApi(AbstractHttpConfigurer::disable);
        return http.build();
    }

    /** Wrong console passwords slow further attempts down (README, "Logging in"). */
    @Bean
    LoginThrottle loginThrottle(ConsoleProperties console, Clock clock) {
        return new LoginThrottle(console.loginFailuresAllowed(), console.loginMaxDelay(), clock);
    }

    @Bean
    ApplicationListener<AbstractAuthenticationEvent> loginOutcomes(LoginThrottle loginThrottle) {
        return event -> LoginThrottleFilter.record(loginThrottle, event);
    }

    /**
     * The operator chain: a login for everything under {@code /actuator} but health, throttled
     * against guessing, Jolokia limited to reads over GET and to the console's own origin, and,
     * when the console has a port of its own ({@code management.server.port}), nothing of it on the
     * public port.
     */
    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, LoginThrottle loginThrottle, ConsoleProperties console,
            Environment environment) throws Exception {
        if (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT) {
            http.addFilterBefore(new OperatorPortFilter(), CsrfFilter.class);
        }
        http.addFilterBefore(new JolokiaRequestGuard(console.allowedOrigins()), CsrfFilter.class)
                .addFilterBefore(new LoginThrottleFilter(loginThrottle), UsernamePasswordAuthenticationFilter.class);
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator", "/actuator/**", "/login", "/logout").authenticated()
                        .anyRequest().permitAll())
                .csrf(csrf -> csrf
                        .ignoringRequestMatchers(request -> !isOperatorPath(request.getRequestURI()))
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new SinglePageAppCsrfHandler()))
                .addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class)
                .httpBasic(Customizer.withDefaults())
                .formLogin(Customizer.withDefaults());
        return http.build();
    }

    /** Paths a logged-in operator uses from a browser; only these need CSRF protection. */
    static boolean isOperatorPath(String path) {
        return path.startsWith("/actuator") || path.startsWith("/login") || path.startsWith("/logout");
    }

    /**
     * Accepts the raw token from the {@code X-XSRF-TOKEN} header (what Hawtio sends) and the
     * masked token from form fields (Spring's login and logout pages), which protects the token
     * rendered in pages against BREACH.
     */
    static final class SinglePageAppCsrfHandler extends CsrfTokenRequestAttributeHandler {

        private final CsrfTokenRequestHandler masked = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
            masked.handle(request, response, token);
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            if (StringUtils.hasText(request.getHeader(token.getHeaderName()))) {
                return super.resolveCsrfTokenValue(request, token);
            }
            return masked.resolveCsrfTokenValue(request, token);
        }
    }

    /** Loads the deferred token on operator pages so the cookie is there before Hawtio's first POST. */
    static final class CsrfCookieFilter extends OncePerRequestFilter {

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !isOperatorPath(request.getRequestURI());
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
