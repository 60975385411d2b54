package io.chatopshub.backlog;

import io.chatopshub.alerts.TicketLinks;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Backlog step of the alert pipelines, which also tells Slack pipelines about new tickets. */
@Configuration(proxyBeanMethods = false)
class AlertTicketsConfiguration {

    @Bean
    AlertTickets alertTickets(BacklogTickets backlogTickets, BacklogProperties properties, TicketLinks ticketLinks) {
        return new AlertTickets(backlogTickets, properties, ticketLinks);
    }
}
