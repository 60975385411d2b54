package io.chatopshub.system;

import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Time, scheduling, the check of the route templates' parameters and the startup report that says what each integration will do. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SystemConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger("io.chatopshub.Startup");

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    HubInstance hubInstance(HubProperties hub) {
        return HubInstance.of(hub.dataDir());
    }

    /** The hub's own route templates' parameters, checked before any route starts. */
    @Bean
    org.apache.camel.spring.boot.CamelContextConfiguration routeTemplateCheck() {
        return new RouteTemplateCheck();
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> integrationReport(List<IntegrationStatus> integrations) {
        return event -> integrations.stream()
                .sorted(java.util.Comparator.comparing(IntegrationStatus::name))
                .forEach(i -> LOG.info("integration {}: {} ({})", i.name(),
                        i.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), i.detail()));
    }
}
