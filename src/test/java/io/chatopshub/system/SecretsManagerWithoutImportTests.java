package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import io.chatopshub.HubIntegrationTest;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** A hub with no secret imported builds no AWS client, so it never looks for a region or credentials. */
class SecretsManagerWithoutImportTests extends HubIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Test
    void withoutAnImportNoAwsClientRegionOrCredentialsAreSetUp() {
        assertThat(context.getBeanNamesForType(SecretsManagerClient.class)).isEmpty();
        assertThat(context.getBeanNamesForType(AwsRegionProvider.class)).isEmpty();
        assertThat(context.getBeanNamesForType(AwsCredentialsProvider.class)).isEmpty();
    }
}
