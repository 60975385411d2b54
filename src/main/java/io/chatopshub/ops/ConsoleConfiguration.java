package io.chatopshub.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;
import org.springframework.util.StringUtils;

/**
 * All of the hub's Hawtio wiring, in one place so that the move to {@code hawtio-springboot4}
 * (Spring Boot 4) touches one class: whether the console runs in the process at all.
 *
 * <p>Hawtio and Jolokia come from their own auto-configurations ({@code hawtio-springboot},
 * {@code jolokia-support-springboot3}); what the hub decides is settled before the context
 * starts, as properties, because those auto-configurations read properties and nothing else:
 * <ul>
 *   <li>{@code chatops.console.enabled=false} keeps both out of the process: no Hawtio servlet,
 *       no Jolokia agent, no plugin scan, and Camel's MBeans down to its context and routes (no MBean
 *       per processor), for a hub watched from outside (Prometheus, a standalone Hawtio against
 *       another agent) that should start faster and hold less memory;</li>
 *   <li>without {@code spring.security.user.password}, outside the {@code dev} profile, the console
 *       is refused too: the only way in would be Spring Boot's generated password, which is
 *       written into the log, and logs are shipped;</li>
 *   <li>in the {@code dev} profile without a password, the generated one is logged as Spring Boot
 *       does (a developer's terminal), and nowhere else.</li>
 * </ul>
 * The hub itself always starts: a missing operator password must not stop Slack's requests.
 * Hawtio's own login, proxy and Jolokia's JSR-160 proxy are off (application.yaml and pom.xml);
 * who may reach the console is decided by the security configuration
 * ({@code io.chatopshub.system.WebConfiguration}).
 */
public final class ConsoleConfiguration implements EnvironmentPostProcessor {

    static final String PROPERTY_SOURCE = "chatopsConsole";
    static final String CAMEL_MBEANS_LEVEL = "camel.main.jmx-management-mbeans-level";
    static final String GENERATED_PASSWORD_LOGGER =
            "logging.level.org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration";

    private final Log log;

    public ConsoleConfiguration(DeferredLogFactory logs) {
        this.log = logs.getLog(ConsoleConfiguration.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Binder binder = Binder.get(environment);
        boolean enabled = binder.bind("chatops.console.enabled", Boolean.class).orElse(true);
        boolean password = StringUtils.hasText(environment.getProperty("spring.security.user.password"));
        boolean dev = environment.acceptsProfiles(Profiles.of("dev"));
        Map<String, Object> settings = new LinkedHashMap<>();
        if (!enabled || (!password && !dev)) {
            settings.put("hawtio.enabled", "false");
            settings.put("management.endpoint.hawtio.access", "none");
            settings.put("management.endpoint.jolokia.access", "none");
            // Camel's MBeans per processor (some 18,000 JMX descriptors for the hub's routes) serve
            // the console's route diagrams; without it, the context and route MBeans are enough for
            // any other JMX client, and the hub starts about 2 s of CPU sooner and holds less heap;
            // a level the operator set stays
            if (!environment.containsProperty(CAMEL_MBEANS_LEVEL)) {
                settings.put(CAMEL_MBEANS_LEVEL, "RoutesOnly");
            }
            if (enabled) {
                log.warn("Console off: spring.security.user.password (SPRING_SECURITY_USER_PASSWORD) is not set. "
                        + "Set it to use Hawtio at /actuator/hawtio, or run with the dev profile to use a generated one");
            } else {
                log.info("Console off (chatops.console.enabled=false): no Hawtio, no Jolokia in this process");
            }
        }
        if (!password && dev) {
            settings.put(GENERATED_PASSWORD_LOGGER, "WARN");
        }
        if (!settings.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, settings));
        }
    }
}
