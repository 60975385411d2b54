package io.chatopshub.automation;

import java.util.List;

import io.chatopshub.system.IntegrationStatus;

/** The startup line for Azure Automation: which settings are missing, never their values. */
record AzureIntegrationStatus(String name, Mode mode, String detail) implements IntegrationStatus {

    static AzureIntegrationStatus of(AzureProperties properties) {
        List<String> missing = properties.missing();
        String runbooks = properties.runbooks().size() + " runbook(s) configured";
        if (missing.isEmpty()) {
            return new AzureIntegrationStatus("azure-automation", Mode.CONFIGURED, "automation account "
                    + properties.automationAccount() + " in resource group " + properties.resourceGroup()
                    + ", client-secret set, " + runbooks);
        }
        return new AzureIntegrationStatus("azure-automation", Mode.DRY_RUN, "not set: "
                + String.join(", ", missing.stream().map(k -> "chatops.azure." + k).toList()) + "; " + runbooks);
    }
}
