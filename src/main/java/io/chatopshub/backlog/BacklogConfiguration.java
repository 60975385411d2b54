package io.chatopshub.backlog;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.HubInstance;
import io.chatopshub.system.IntegrationStatus;
import io.chatopshub.system.Secrets;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Backlog tickets for alerts; without URL and API key the calls are logged as dry-run. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BacklogProperties.class)
class BacklogConfiguration {

    @Bean
    BacklogClient backlogClient(BacklogProperties properties) {
        return new BacklogClient(properties, Clock.systemUTC());
    }

    @Bean
    BacklogTickets backlogTickets(BacklogClient backlogClient, StateStore stateStore, HubInstance hubInstance) {
        return new BacklogTickets(backlogClient, stateStore, Clock.systemUTC(), hubInstance);
    }

    @Bean
    IntegrationStatus backlogIntegrationStatus(BacklogProperties properties) {
        if (properties.configured()) {
            return new BacklogStatus(IntegrationStatus.Mode.CONFIGURED, properties.url() + ", project "
                    + properties.projectId() + ", api-key set");
        }
        return new BacklogStatus(IntegrationStatus.Mode.DRY_RUN, "chatops.backlog.url "
                + (properties.url() == null ? "not set" : "set") + ", chatops.backlog.api-key "
                + Secrets.presence(properties.apiKey()) + ": issue calls are logged only");
    }

    record BacklogStatus(Mode mode, String detail) implements IntegrationStatus {
        @Override
        public String name() {
            return "backlog";
        }
    }
}
