package io.chatopshub.ops;

import java.time.Clock;
import java.time.Duration;

import jakarta.jms.ConnectionFactory;

import io.micrometer.core.instrument.MeterRegistry;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.management.DefaultManagementMBeanAssembler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.jms.JmsHealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.DeadLetterQueue;

/**
 * What operators watch: readiness of the broker and the dedup store, Prometheus meters for inbound
 * acknowledgements, routes and the dead-letter queue, and one log line per delivery.
 * Camel picks up the route policy factory, event notifier and intercept strategy beans from
 * the Spring context by type.
 */
@Configuration(proxyBeanMethods = false)
class OpsConfiguration {

    /**
     * Health contributor {@code broker}, part of the readiness group, in place of Spring Boot's
     * {@code jms} check ({@code management.health.jms.enabled: false}), which can block a probe for
     * tens of seconds while the broker is gone. The embedded broker is also DOWN while it accepts
     * no message because its journal disk or its memory is full: the edge answers 503 then, and a
     * load balancer should send the traffic elsewhere.
     */
    @Bean
    BrokerHealthIndicator brokerHealthIndicator(ConnectionFactory connectionFactory,
            ObjectProvider<EmbeddedActiveMQ> embedded, Clock clock) {
        var connection = new JmsHealthIndicator(connectionFactory);
        HealthIndicator check = () -> {
            EmbeddedActiveMQ broker = embedded.getIfAvailable();
            if (broker != null && broker.getActiveMQServer() != null) {
                Health space = JournalSpace.health(broker.getActiveMQServer());
                if (space != null) {
                    return space;
                }
            }
            return connection.health();
        };
        return new BrokerHealthIndicator(check, Duration.ofSeconds(2), Duration.ofSeconds(3), clock);
    }

    /** Health contributor {@code dedupStore}, part of the readiness group. */
    @Bean
    StateStoreHealthIndicator dedupStoreHealthIndicator(StateStore store) {
        return new StateStoreHealthIndicator(store);
    }

    @Bean
    DeadLetterDepth deadLetterDepth(DeadLetterQueue deadLetters, Clock clock) {
        return new DeadLetterDepth(deadLetters::getDepth, clock);
    }

    @Bean
    FilterRegistrationBean<AckTimingFilter> ackTimingFilter(MeterRegistry registry) {
        var registration = new FilterRegistrationBean<>(new AckTimingFilter(registry));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/slack/*", "/hooks/*");
        return registration;
    }

    /** Exchanges per route (total, failed, in flight) and their processing time: {@code camel.exchanges.*}, {@code camel.route.policy}. */
    @Bean
    MicrometerRoutePolicyFactory micrometerRoutePolicyFactory(MeterRegistry registry) {
        var factory = new MicrometerRoutePolicyFactory();
        factory.setMeterRegistry(registry);
        return factory;
    }

    /**
     * Camel's own MBean assembler for the processors of every route, so that Hawtio's route diagram
     * counts. Under Spring, Camel assembles the MBean of a {@code bean} step whose bean carries
     * Spring's {@code @ManagedResource} from that bean alone ({@code deadLetters} → only
     * {@code Depth}): the step then lacks {@code Index} and the counters, and
     * {@code dumpRoutesStatsAsXml}, which the diagram reads, fails for the whole context. Such beans
     * stay exported under {@code io.chatopshub} by Spring itself; their steps become ordinary
     * processors with statistics.
     */
    @Bean
    CamelContextConfiguration processorStatistics() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                context.getCamelContextExtension().setManagementMBeanAssembler(new DefaultManagementMBeanAssembler(context));
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
            }
        };
    }

    @Bean
    DeliveryLog deliveryLog() {
        return new DeliveryLog();
    }

    @Bean
    DeliveryIdCapture deliveryIdCapture() {
        return new DeliveryIdCapture();
    }
}
