package io.chatopshub.system.inbound;

import java.time.Clock;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsHeaderFilterStrategy;
import org.apache.camel.spi.ComponentCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

import io.chatopshub.system.HubProperties;

/**
 * The edge's durable writes get a deadline. Artemis waits up to its {@code callTimeout} (30 s by
 * default) for the broker to confirm a durable send; a blocked or unreachable broker, or a stalled
 * journal, would hold the request past Slack's 3 s, and Slack's retry would then meet a claimed
 * delivery id. The edge therefore sends through a connection of its own whose calls time out after
 * {@code chatops.broker.send-timeout}: the send fails, the claim is released, the sender hears 503
 * and retries. Workers keep the shared connection factory and its patience, because their sends
 * are part of the transaction of the message they consume, which is bound to that factory.
 *
 * <p>The connection is reached as the Camel component {@code edge-jms}, not as a
 * {@link ConnectionFactory} bean, which would replace Spring Boot's own.
 */
@Configuration(proxyBeanMethods = false)
class EdgeConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeConfiguration.class);
    /** Artemis' duplicate-detection property. */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    @Bean
    DurableWrites durableWritesHealthIndicator(HubProperties hub, Clock clock) {
        return new DurableWrites(clock, hub.broker().downAfterFailedWrite());
    }

    @Bean
    EdgeConnection edgeConnection(ConnectionFactory connectionFactory, HubProperties hub) {
        ConnectionFactory target = connectionFactory instanceof CachingConnectionFactory caching
                ? caching.getTargetConnectionFactory() : connectionFactory;
        if (!(target instanceof ActiveMQConnectionFactory shared)) {
            LOG.warn("the JMS connection factory is not Artemis' ({}): the edge's writes have no deadline of their own",
                    target == null ? null : target.getClass().getName());
            return new EdgeConnection(connectionFactory, null);
        }
        long timeout = hub.broker().sendTimeout().toMillis();
        ActiveMQConnectionFactory edge = shared.getDiscoveryGroupConfiguration() != null
                ? new ActiveMQConnectionFactory(shared.isHA(), shared.getDiscoveryGroupConfiguration())
                : new ActiveMQConnectionFactory(shared.isHA(), shared.getStaticConnectors());
        edge.setUser(shared.getUser());
        edge.setPassword(shared.getPassword());
        edge.setReconnectAttempts(shared.getReconnectAttempts());
        edge.setRetryInterval(shared.getRetryInterval());
        edge.setCacheDestinations(true);
        edge.setCallTimeout(timeout);
        edge.setCallFailoverTimeout(timeout);
        var caching = new CachingConnectionFactory(edge);
        caching.setSessionCacheSize(32);
        return new EdgeConnection(caching, caching);
    }

    /**
     * Consumers never see a message's duplicate-detection id ({@code _AMQ_DUPL_ID}, set by the edge
     * and by some routes for their own sends): a route that sends a message on, or back to its own
     * queue later (an alert set aside and resumed), would otherwise carry the old id along, and the
     * broker would drop the second send as a duplicate. A route that wants one sets its own.
     */
    @Bean
    ComponentCustomizer consumersDropDuplicateIds() {
        return ComponentCustomizer.builder(JmsComponent.class)
                .withCondition((name, component) -> "jms".equals(name))
                .build(jms -> {
                    var strategy = new JmsHeaderFilterStrategy();
                    strategy.getInFilter().add(DUPLICATE_ID);
                    jms.setHeaderFilterStrategy(strategy);
                });
    }

    /**
     * A worker that fails throws, so the broker delivers the message again; the hub's own line says
     * so ({@code io.chatopshub.Delivery}: {@code outcome=rolled-back}, the attempt and the failure).
     * The listener's report of the same throw keeps its one line, without a 50-line stack trace on
     * every delivery the broker makes again.
     */
    @Bean
    ComponentCustomizer consumersReportRollbacksInOneLine() {
        return ComponentCustomizer.builder(JmsComponent.class)
                .withCondition((name, component) -> "jms".equals(name))
                .build(jms -> jms.getConfiguration().setErrorHandlerLogStackTrace(false));
    }

    /** The Camel component the edge's route sends with ({@code edge-jms:queue:...}). */
    @Bean("edge-jms")
    JmsComponent edgeJms(EdgeConnection connection) {
        return JmsComponent.jmsComponent(connection.factory());
    }

    /** Holds the edge's connection factory without being one (see the class comment), and closes it. */
    record EdgeConnection(ConnectionFactory factory, CachingConnectionFactory owned) implements DisposableBean {

        @Override
        public void destroy() {
            if (owned != null) {
                owned.destroy();
            }
        }
    }
}
