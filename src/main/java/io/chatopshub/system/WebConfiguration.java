package io.chatopshub.system;

import java.util.List;
import java.util.Map;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The HTTP edge. Webhook paths authenticate each request by its own signature or token, so
 * they are open to the network and exempt from CSRF; everything operators use (Hawtio, actuator
 * endpoints other than health) needs a login. Every refusal, down to those Tomcat makes itself,
 * is the hub's JSON error.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    /**
     * The Content-Type each webhook's sender uses; a POST with another one is refused with 415.
     * {@code /hooks/deploy-result} is left out: CI scripts call it with a query string and any body.
     */
    static final Map<String, List<MediaType>> MEDIA_TYPES = Map.of(
            "/slack/events", List.of(MediaType.APPLICATION_JSON),
            "/slack/commands", List.of(MediaType.APPLICATION_FORM_URLENCODED),
            "/slack/interactions", List.of(MediaType.APPLICATION_FORM_URLENCODED),
            "/hooks/mackerel", List.of(MediaType.APPLICATION_JSON),
            "/hooks/gitlab", List.of(MediaType.APPLICATION_JSON),
            // SNS sends text/plain; JSON is what a hand-made test delivery would say
            "/hooks/cloudwatch", List.of(MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON));

    @Bean
    FilterRegistrationBean<InboundBodyFilter> inboundBodyFilter(HubProperties hub) {
        var registration = new FilterRegistrationBean<>(new InboundBodyFilter(hub.http().maxBodySize().toBytes(), MEDIA_TYPES));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/slack/*", "/hooks/*");
        return registration;
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

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator", "/actuator/**", "/login", "/logout").authenticated()
                        .anyRequest().permitAll())
                .csrf(csrf -> csrf.ignoringRequestMatchers(request -> !isOperatorPath(request.getRequestURI())))
                .httpBasic(Customizer.withDefaults())
                .formLogin(Customizer.withDefaults());
        return http.build();
    }

    /** Paths a logged-in operator uses from a browser; only these need CSRF protection. */
    private static boolean isOperatorPath(String path) {
        return path.startsWith("/actuator") || path.startsWith("/login") || path.startsWith("/logout");
    }
}
