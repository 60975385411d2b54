package io.chatopshub.system;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The HTTP edge. Webhook paths authenticate each request by its own signature or token, so
 * they are open to the network and exempt from CSRF; everything operators use (Hawtio, actuator
 * endpoints other than health) needs a login.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    FilterRegistrationBean<InboundBodyFilter> inboundBodyFilter(HubProperties hub) {
        var registration = new FilterRegistrationBean<>(new InboundBodyFilter(hub.http().maxBodySize().toBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/slack/*", "/hooks/*");
        return registration;
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
