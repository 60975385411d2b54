package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.chatopshub.system.IntegrationStatus;

class AzurePropertiesTests {

    private static AzureProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("chatops.azure", AzureProperties.class);
    }

    private static Map<String, String> credentials() {
        Map<String, String> values = new HashMap<>();
        values.put("chatops.azure.tenant-id", "t");
        values.put("chatops.azure.client-id", "c");
        values.put("chatops.azure.client-secret", "very-secret-value");
        values.put("chatops.azure.subscription-id", "s");
        values.put("chatops.azure.resource-group", "rg");
        values.put("chatops.azure.automation-account", "aa");
        return values;
    }

    @Test
    void defaultsMatchTheContract() {
        AzureProperties properties = bind(Map.of());

        assertThat(properties.loginUrl()).isEqualTo("https://login.microsoftonline.com");
        assertThat(properties.managementUrl()).isEqualTo("https://management.azure.com");
        assertThat(properties.apiVersion()).isEqualTo("2023-11-01");
        assertThat(properties.pollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.approvalTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(properties.tokenRenewBefore()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.runbooks()).isEmpty();
        assertThat(properties.isConfigured()).isFalse();
    }

    @Test
    void runbooksBindFromYamlStyleKeys() {
        Map<String, String> values = new HashMap<>();
        values.put("chatops.azure.runbooks[0].name", "Restart-WebApp");
        values.put("chatops.azure.runbooks[0].channels[0]", "C0123456");
        values.put("chatops.azure.runbooks[0].approval", "true");
        values.put("chatops.azure.runbooks[0].parameters[0]", "AppName");

        AzureProperties.Runbook runbook = bind(values).runbooks().get(0);

        assertThat(runbook.name()).isEqualTo("Restart-WebApp");
        assertThat(runbook.channels()).containsExactly("C0123456");
        assertThat(runbook.users()).isEmpty();
        assertThat(runbook.approval()).isTrue();
        assertThat(runbook.parameterNames()).containsExactly("AppName");
    }

    @Test
    void aDuplicateRunbookFailsStartupNamingIt() {
        Map<String, String> values = new HashMap<>();
        values.put("chatops.azure.runbooks[0].name", "Restart-WebApp");
        values.put("chatops.azure.runbooks[0].channels[0]", "C1");
        values.put("chatops.azure.runbooks[1].name", "restart-webapp");
        values.put("chatops.azure.runbooks[1].channels[0]", "C2");

        assertThatThrownBy(() -> bind(values)).isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("chatops.azure.runbooks[1]").hasMessageContaining("configured twice");
    }

    @Test
    void aRunbookWithoutNameFailsStartup() {
        assertThatThrownBy(() -> bind(Map.of("chatops.azure.runbooks[0].channels[0]", "C1")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("chatops.azure.runbooks[0].name");
    }

    @Test
    void aRunbookWithoutChannelsOrWithABlankChannelFailsStartup() {
        assertThatThrownBy(() -> bind(Map.of("chatops.azure.runbooks[0].name", "Restart-WebApp")))
                .rootCause().hasMessageContaining("channels must list at least one");
        assertThatThrownBy(() -> bind(Map.of("chatops.azure.runbooks[0].name", "Restart-WebApp",
                "chatops.azure.runbooks[0].channels[0]", " ")))
                .rootCause().hasMessageContaining("channels[0] is blank");
    }

    @Test
    void aBadUrlOrDurationFailsStartup() {
        assertThatThrownBy(() -> bind(Map.of("chatops.azure.management-url", "management.azure.com")))
                .rootCause().hasMessageContaining("chatops.azure.management-url");
        assertThatThrownBy(() -> bind(Map.of("chatops.azure.poll-interval", "0s")))
                .rootCause().hasMessageContaining("chatops.azure.poll-interval must be a positive duration");
    }

    @Test
    void statusIsConfiguredOnlyWithEveryCredentialAndNeverShowsTheSecret() {
        AzureIntegrationStatus configured = AzureIntegrationStatus.of(bind(credentials()));
        Map<String, String> partial = credentials();
        partial.remove("chatops.azure.client-secret");
        partial.remove("chatops.azure.automation-account");
        AzureIntegrationStatus dryRun = AzureIntegrationStatus.of(bind(partial));

        assertThat(configured.name()).isEqualTo("azure-automation");
        assertThat(configured.mode()).isEqualTo(IntegrationStatus.Mode.CONFIGURED);
        assertThat(configured.detail()).doesNotContain("very-secret-value");
        assertThat(dryRun.mode()).isEqualTo(IntegrationStatus.Mode.DRY_RUN);
        assertThat(dryRun.detail()).contains("chatops.azure.client-secret", "chatops.azure.automation-account");
        assertThat(bind(credentials()).toString()).doesNotContain("very-secret-value");
    }

    @Test
    void parametersBindAsPlainNamesAndAsDeclarationsSideBySide() {
        Map<String, String> values = new HashMap<>();
        values.put("chatops.azure.runbooks[0].name", "Deploy-App");
        values.put("chatops.azure.runbooks[0].channels[0]", "C1");
        values.put("chatops.azure.runbooks[0].parameters[0]", "AppName");
        values.put("chatops.azure.runbooks[0].parameters[1].name", "Env");
        values.put("chatops.azure.runbooks[0].parameters[1].required", "true");
        values.put("chatops.azure.runbooks[0].parameters[1].default", "staging");
        values.put("chatops.azure.runbooks[0].parameters[1].choices[0]", "staging");
        values.put("chatops.azure.runbooks[0].parameters[1].choices[1]", "prod");
        values.put("chatops.azure.runbooks[0].parameters[2].name", "Pin");
        values.put("chatops.azure.runbooks[0].parameters[2].secret", "true");
        values.put("chatops.azure.secret-parameters[0]", "passphrase");

        AzureProperties properties = bind(values);
        AzureProperties.Runbook runbook = properties.runbooks().get(0);

        assertThat(runbook.parameters()).containsExactly(
                new AzureProperties.Parameter("AppName", false, null, List.of(), false),
                new AzureProperties.Parameter("Env", true, "staging", List.of("staging", "prod"), false),
                new AzureProperties.Parameter("Pin", false, null, List.of(), true));
        assertThat(properties.secretParameters()).containsExactly("passphrase");
        assertThat(properties.parameterKey()).isNull();
    }

    @Test
    void aDefaultOutsideItsChoicesOrATwiceDeclaredParameterFailsStartup() {
        Map<String, String> values = new HashMap<>();
        values.put("chatops.azure.runbooks[0].name", "Deploy-App");
        values.put("chatops.azure.runbooks[0].channels[0]", "C1");
        values.put("chatops.azure.runbooks[0].parameters[0].name", "Env");
        values.put("chatops.azure.runbooks[0].parameters[0].default", "qa");
        values.put("chatops.azure.runbooks[0].parameters[0].choices[0]", "staging");
        assertThatThrownBy(() -> bind(values)).rootCause()
                .hasMessageContaining("chatops.azure.runbooks[0] (Deploy-App).parameters[0].default 'qa' is not one of its choices");

        values.clear();
        values.put("chatops.azure.runbooks[0].name", "Deploy-App");
        values.put("chatops.azure.runbooks[0].channels[0]", "C1");
        values.put("chatops.azure.runbooks[0].parameters[0]", "Env");
        values.put("chatops.azure.runbooks[0].parameters[1]", "env");
        assertThatThrownBy(() -> bind(values)).rootCause().hasMessageContaining("parameters[1] 'env' is declared twice");
    }

    @Test
    void aParameterKeyThatIsNotBase64OrNotAnAesKeyFailsStartup() {
        assertThatThrownBy(() -> bind(Map.of("chatops.azure.parameter-key", "not base64!")))
                .rootCause().hasMessageContaining("chatops.azure.parameter-key must be base64");
        assertThatThrownBy(() -> bind(Map.of("chatops.azure.parameter-key", "c2hvcnQ=")))
                .rootCause().hasMessageContaining("must be 16, 24 or 32 bytes once base64-decoded (it is 5)");
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(bind(Map.of("chatops.azure.parameter-key", key)).toString()).doesNotContain(key)
                .contains("parameterKey=set");
    }
}
