package io.chatopshub.mackerel;

import io.chatopshub.system.IntegrationStatus;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Mackerel is inbound only: without a token its endpoint refuses everything. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MackerelProperties.class)
class MackerelConfiguration {

    @Bean
    MackerelWebhook mackerelWebhook(MackerelProperties properties) {
        return new MackerelWebhook(properties);
    }

    @Bean
    MackerelInbound mackerelInbound(MackerelWebhook mackerelWebhook) {
        return new MackerelInbound(mackerelWebhook);
    }

    @Bean
    IntegrationStatus mackerelIntegrationStatus(MackerelProperties properties) {
        return properties.enabled()
                ? new MackerelStatus(IntegrationStatus.Mode.CONFIGURED, "webhook token set, POST /hooks/mackerel accepts alerts")
                : new MackerelStatus(IntegrationStatus.Mode.DISABLED,
                        "chatops.mackerel.webhook-token not set, POST /hooks/mackerel answers 401");
    }

    record MackerelStatus(Mode mode, String detail) implements IntegrationStatus {
        @Override
        public String name() {
            return "mackerel";
        }
    }
}
