package io.chatopshub.backlog;

import io.chatopshub.alerts.TicketLinks;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.HubInstance;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Backlog step of the alert pipelines, which also tells Slack pipelines about new tickets. */
@Configuration(proxyBeanMethods = false)
class AlertTicketsConfiguration {

    /** Scheduled delivery time of a message, epoch millis: ActiveMQ Artemis's header. */
    static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    @Bean
    AlertTickets alertTickets(BacklogTickets backlogTickets, BacklogProperties properties, TicketLinks ticketLinks,
            StateStore stateStore, ProducerTemplate producer, HubInstance hubInstance, Clock clock, MeterRegistry metrics) {
        String owner = hubInstance.owner();
        return new AlertTickets(backlogTickets, properties, ticketLinks, new HeldAlerts(stateStore), jmsResumer(producer),
                owner.substring(0, owner.indexOf('/')), clock, metrics);
    }

    /** Resume messages: a copy of the waiting notification, delivered by the broker at the given time. */
    static AlertTickets.Resumer jmsResumer(ProducerTemplate producer) {
        return (queue, body, headers, atMillis) -> {
            Exchange sent = producer.send("jms:queue:" + queue, exchange -> {
                exchange.setPattern(ExchangePattern.InOnly);
                var message = exchange.getIn();
                message.setBody(body);
                headers.forEach(message::setHeader);
                message.setHeader(SCHEDULED_DELIVERY, atMillis);
            });
            if (sent.getException() != null) {
                throw new IllegalStateException("resume message to " + queue + " could not be sent", sent.getException());
            }
        };
    }
}
