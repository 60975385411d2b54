package io.chatopshub.automation;

import java.nio.file.Path;
import java.time.Clock;

import org.apache.camel.CamelContext;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.chatopshub.system.IntegrationStatus;

/**
 * Runbooks from Slack: who may run what (policy), the Azure client, and the audit trail that
 * records both. The Azure client works without credentials too, logging what it would send.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AzureProperties.class)
class AzureAutomationConfiguration {

    @Bean
    IntegrationStatus azureAutomationStatus(AzureProperties properties) {
        return AzureIntegrationStatus.of(properties);
    }

    @Bean
    RunbookPolicy runbookPolicy(AzureProperties properties) {
        return new RunbookPolicy(properties);
    }

    @Bean
    ParameterSecrets parameterSecrets(AzureProperties properties) {
        ParameterSecrets secrets = new ParameterSecrets(properties);
        if (!secrets.keyConfigured() && !properties.runbooks().isEmpty()) {
            LoggerFactory.getLogger(ParameterSecrets.class).warn("chatops.azure.parameter-key is not set: secret "
                    + "runbook parameters are sealed with a key that lives only in this process, so a run still "
                    + "queued when the hub restarts (or taken by another instance) is refused and its requester told");
        }
        return secrets;
    }

    @Bean(destroyMethod = "close")
    AzureAutomationClient azureAutomationClient(AzureProperties properties, CamelContext camelContext,
                                                ParameterSecrets parameterSecrets) {
        return new AzureAutomationClient(properties, camelContext, parameterSecrets, Clock.systemUTC());
    }

    @Bean
    AuditTrail runbookAuditTrail(@Value("${chatops.data-dir:./data}") Path dataDir) {
        return new AuditTrail(dataDir, Clock.systemUTC());
    }

    @Bean
    AuditEndpoint auditEndpoint(AuditTrail runbookAuditTrail) {
        return new AuditEndpoint(runbookAuditTrail);
    }
}
