package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.chatopshub.system.IntegrationStatus;

class AzureAutomationConfigurationTests {

    @TempDir
    Path dataDir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withUserConfiguration(AzureAutomationConfiguration.class)
                .withBean(CamelContext.class, DefaultCamelContext::new)
                .withPropertyValues("chatops.data-dir=" + dataDir);
    }

    @Test
    void withoutCredentialsTheIntegrationStartsInDryRun() {
        runner().withPropertyValues("chatops.azure.runbooks[0].name=Restart-WebApp",
                        "chatops.azure.runbooks[0].channels[0]=C1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(IntegrationStatus.class).mode()).isEqualTo(IntegrationStatus.Mode.DRY_RUN);
                    assertThat(context.getBean(RunbookPolicy.class).runnableBy("C1", "U1")).hasSize(1);
                    assertThat(context.getBean(AzureAutomationClient.class).isConfigured()).isFalse();
                    assertThat(context.getBean(AuditTrail.class).file())
                            .isEqualTo(dataDir.resolve("audit").resolve("runbooks.jsonl"));
                    assertThat(context).hasSingleBean(AuditEndpoint.class);
                });
    }

    @Test
    void aDuplicateRunbookStopsStartupWithAClearMessage() {
        runner().withPropertyValues("chatops.azure.runbooks[0].name=Restart-WebApp",
                        "chatops.azure.runbooks[0].channels[0]=C1",
                        "chatops.azure.runbooks[1].name=Restart-WebApp",
                        "chatops.azure.runbooks[1].channels[0]=C2")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("runbook 'Restart-WebApp' is configured twice"));
    }
}
