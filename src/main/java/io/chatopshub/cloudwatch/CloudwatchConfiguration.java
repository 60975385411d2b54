package io.chatopshub.cloudwatch;

import io.chatopshub.alerts.AlertFailures;
import io.chatopshub.system.IntegrationStatus;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** CloudWatch alarms arrive through SNS; with no allowed topic every delivery is refused. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CloudwatchProperties.class)
class CloudwatchConfiguration {

    @Bean
    SnsMessageVerifier snsMessageVerifier(CloudwatchProperties properties) {
        return new SnsMessageVerifier(properties, Clock.systemUTC());
    }

    @Bean
    CloudwatchInbound cloudwatchInbound(SnsMessageVerifier snsMessageVerifier) {
        return new CloudwatchInbound(snsMessageVerifier);
    }

    /** A subscription that could not be confirmed is told in the ops channel, like an alert that could not be delivered. */
    @Bean
    SubscriptionFailures snsSubscriptionFailures(ObjectProvider<AlertFailures> alertFailures) {
        return new SubscriptionFailures(alertFailures);
    }

    @Bean
    IntegrationStatus cloudwatchIntegrationStatus(CloudwatchProperties properties) {
        return properties.enabled()
                ? new CloudwatchStatus(IntegrationStatus.Mode.CONFIGURED,
                        properties.topicArns().size() + " SNS topic(s) allowed, certificate URLs must match "
                                + properties.snsUrlPattern())
                : new CloudwatchStatus(IntegrationStatus.Mode.DISABLED,
                        "chatops.cloudwatch.topic-arns is empty, POST /hooks/cloudwatch refuses every topic");
    }

    record CloudwatchStatus(Mode mode, String detail) implements IntegrationStatus {
        @Override
        public String name() {
            return "cloudwatch";
        }
    }
}
