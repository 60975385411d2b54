package io.chatopshub.alerts;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackProperties;
import io.chatopshub.system.DeadLetterQueue;
import io.chatopshub.system.HubInstance;
import io.chatopshub.system.IntegrationStatus;
import java.time.Clock;
import java.time.Duration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The alert pipelines' shared parts: the Slack side of the pipelines with its pacing, the ticket
 * links, the loader of the template file, and the broker settings that keep the pipelines' queues.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpsChannelProperties.class)
class AlertPipelinesConfiguration {

    /** Slack allows about one message per second per channel. */
    static final Duration CHANNEL_SPACING = Duration.ofSeconds(1);

    /** Scheduled delivery time of a message, epoch millis: ActiveMQ Artemis's header. */
    static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    @Bean
    TicketLinks ticketLinks(StateStore stateStore) {
        return new TicketLinks(stateStore);
    }

    @Bean
    AlertSender alertSender(SlackClient slackClient, SlackProperties slackProperties, StateStore stateStore, Clock clock,
            HubInstance hubInstance) {
        return new AlertSender(slackClient, slackProperties, new ChannelPacer(stateStore, clock, CHANNEL_SPACING, hubInstance));
    }

    @Bean
    SlackAlerts slackAlerts(StateStore stateStore, AlertSender alertSender, TicketLinks ticketLinks,
            AlertsProperties properties, ProducerTemplate producer, Clock clock, DeadLetterQueue deadLetters,
            AlertFailures alertFailures) {
        return new SlackAlerts(stateStore, alertSender, ticketLinks, properties, jmsTicks(producer), clock, deadLetters,
                alertFailures);
    }

    /** Timer messages: sent to the pipeline's queue, delivered by the broker at the given time. */
    static SlackAlerts.TickScheduler jmsTicks(ProducerTemplate producer) {
        return (queue, tick, channel, group, atMillis) -> {
            Exchange sent = producer.send("jms:queue:" + queue, exchange -> {
                exchange.setPattern(ExchangePattern.InOnly);
                var message = exchange.getIn();
                message.setBody("");
                message.setHeader(AlertHeaders.TICK, tick);
                message.setHeader(AlertHeaders.CHANNEL, channel);
                message.setHeader(AlertHeaders.GROUP, group);
                message.setHeader(SCHEDULED_DELIVERY, atMillis);
                // one channel's windows and digests are worked on by one consumer at a time
                message.setHeader(AlertPipelines.GROUP_ID, "alerts-slack-timer:" + channel);
            });
            if (sent.getException() != null) {
                throw new IllegalStateException("timer message to " + queue + " could not be sent", sent.getException());
            }
        };
    }

    @Bean
    AlertFailures alertFailures(AlertSender alertSender, AlertPipelines pipelines, SlackProperties slack,
            OpsChannelProperties ops, @Value("${chatops.backlog.project-id:}") String backlogProject) {
        return new AlertFailures(alertSender, pipelines, slack.alertChannel(), ops.opsChannel(), backlogProject);
    }

    @Bean
    AlertPipelines alertPipelines(CamelContext camelContext) {
        return new AlertPipelines(camelContext);
    }

    /**
     * The pipelines' parameters, checked once the route files are read and before any route
     * starts: a mistake stops start-up with one line (the hub never reports ready with a pipeline
     * that would fail every alert).
     */
    @Bean
    CamelContextConfiguration alertPipelinesCheck(AlertPipelines alertPipelines) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                alertPipelines.checkUnique();
                alertPipelines.checkParameters();
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // checked before the routes started
            }
        };
    }

    /**
     * Pipelines a user adds get their queue created on first use; it must then stay, with the
     * timer messages scheduled on it, even while no consumer is attached.
     */
    @Bean
    ArtemisConfigurationCustomizer alertPipelineQueues() {
        return configuration -> configuration.addAddressSetting(AlertPipelines.QUEUE_PREFIX + "#", new AddressSettings()
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true)
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false)
                .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                .setDeadLetterAddress(SimpleString.of(DeadLetterQueue.QUEUE)));
    }

    @Bean
    IntegrationStatus alertsIntegrationStatus(AlertSender sender, AlertPipelines pipelines, AlertsProperties properties,
            SlackProperties slack) {
        return new IntegrationStatus() {
            @Override
            public String name() {
                return "alerts";
            }

            @Override
            public Mode mode() {
                return sender.mode() == AlertSender.Mode.DRY_RUN ? Mode.DRY_RUN : Mode.CONFIGURED;
            }

            @Override
            public String detail() {
                String delivery = switch (sender.mode()) {
                    case WEB_API -> "Slack Web API, Block Kit messages to " + (slack.alertChannel() == null
                            || slack.alertChannel().isBlank() ? "(chatops.slack.alert-channel not set)" : slack.alertChannel());
                    case INCOMING_WEBHOOK -> "Slack incoming webhook (no bot token): alerts are posted as new messages,"
                            + " threads, message updates and reactions are off";
                    case DRY_RUN -> "no bot token and no incoming webhook: Slack messages logged as DRY-RUN";
                };
                return pipelines.pipelines().size() + " pipeline(s) " + pipelines.pipelines().keySet() + "; " + delivery
                        + "; more than " + properties.groupThreshold() + " alerts within " + properties.groupWait()
                        + " become one digest, updated at most every " + properties.groupInterval();
            }
        };
    }
}
