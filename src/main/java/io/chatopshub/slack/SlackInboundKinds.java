package io.chatopshub.slack;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.chatopshub.system.inbound.InboundKind;

/** The Slack inbound kinds under the names the endpoints in routes/inbound/endpoints.camel.yaml use. */
@Configuration(proxyBeanMethods = false)
class SlackInboundKinds {

    @Bean
    InboundKind slackEvents(SlackInbound slack) {
        return slack.events();
    }

    @Bean
    InboundKind slackSlashCommands(SlackInbound slack) {
        return slack.commands();
    }

    @Bean
    InboundKind slackInteractions(SlackInbound slack) {
        return slack.interactions();
    }
}
