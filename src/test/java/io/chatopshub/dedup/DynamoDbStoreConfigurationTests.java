package io.chatopshub.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatopshub.system.IntegrationStatus;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class DynamoDbStoreConfigurationTests {

    private final ApplicationContextRunner hub = new ApplicationContextRunner()
            .withUserConfiguration(DynamoDbStoreConfiguration.class)
            .withBean(AwsCredentialsProvider.class, () -> Dynalite.CREDENTIALS)
            .withPropertyValues("chatops.aws.region=us-east-1", "chatops.aws.endpoint=" + Dynalite.endpoint());

    private final ApplicationContextRunner properties = new ApplicationContextRunner()
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void dynamodbStoreCreatesItsTableAtStartupAndSharesClaimsThroughIt() {
        String table = "dedup-" + UUID.randomUUID();
        hub.withPropertyValues("chatops.dedup.store=dynamodb", "chatops.dedup.table=" + table).run(first -> {
            assertThat(first).hasNotFailed();
            assertThat(Dynalite.client().describeTimeToLive(d -> d.tableName(table))
                    .timeToLiveDescription().timeToLiveStatus())
                    .isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);

            hub.withPropertyValues("chatops.dedup.store=dynamodb", "chatops.dedup.table=" + table).run(second -> {
                assertThat(first.getBean(StateStore.class).claim("dedup:slack:Ev1", "a", Duration.ofMinutes(1))).isTrue();
                assertThat(second.getBean(StateStore.class).claim("dedup:slack:Ev1", "b", Duration.ofMinutes(1))).isFalse();
                assertThat(second.getBean(StateStore.class).isReachable()).isTrue();
            });
        });
    }

    @Test
    void dynamodbStoreReportsItselfConfiguredWithTableAndEndpoint() {
        String table = "dedup-" + UUID.randomUUID();
        hub.withPropertyValues("chatops.dedup.store=dynamodb", "chatops.dedup.table=" + table).run(context -> {
            IntegrationStatus status = context.getBean(IntegrationStatus.class);
            assertThat(status.name()).isEqualTo("dedup");
            assertThat(status.mode()).isEqualTo(IntegrationStatus.Mode.CONFIGURED);
            assertThat(status.detail()).contains(table, "us-east-1", Dynalite.endpoint().toString());
        });
    }

    @Test
    void embeddedStoreByDefaultLeavesDynamoDbAlone() {
        hub.run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(StateStore.class)
                .doesNotHaveBean(DynamoDbStateStore.class));
        hub.withPropertyValues("chatops.dedup.store=embedded").run(context ->
                assertThat(context).doesNotHaveBean(StateStore.class));
    }

    @Test
    void missingTableThatMayNotBeCreatedStopsStartupNamingTheTable() {
        String table = "dedup-" + UUID.randomUUID();
        hub.withPropertyValues("chatops.dedup.store=dynamodb", "chatops.dedup.table=" + table,
                "chatops.dedup.create-table=false").run(context -> assertThat(context).getFailure()
                        .rootCause()
                        .hasMessageContaining("'" + table + "'")
                        .hasMessageContaining("dynamodb:CreateTable"));
    }

    @Test
    void defaultsMatchTheDocumentedConfiguration() {
        properties.run(context -> {
            DedupProperties dedup = context.getBean(DedupProperties.class);
            assertThat(dedup.store()).isEqualTo(DedupProperties.Store.EMBEDDED);
            assertThat(dedup.table()).isEqualTo("chatops-dedup");
            assertThat(dedup.ttl()).isEqualTo(Duration.ofHours(24));
            assertThat(dedup.createTable()).isTrue();
            AwsProperties aws = context.getBean(AwsProperties.class);
            assertThat(aws.region()).isNull();
            assertThat(aws.endpoint()).isNull();
        });
    }

    @Test
    void storeNameIsReadWhateverItsCase() {
        properties.withPropertyValues("chatops.dedup.store=DynamoDB").run(context ->
                assertThat(context.getBean(DedupProperties.class).store()).isEqualTo(DedupProperties.Store.DYNAMODB));
    }

    @Test
    void unknownStoreFailsStartup() {
        assertStartupFails("chatops.dedup.store=redis", "chatops.dedup.store");
    }

    @Test
    void zeroTtlFailsStartup() {
        assertStartupFails("chatops.dedup.ttl=0s", "ttl", "at least 1s");
    }

    @Test
    void invalidTableNameFailsStartup() {
        assertStartupFails("chatops.dedup.table=my table", "table", "DynamoDB table name");
    }

    @Test
    void misspelledRegionFailsStartup() {
        assertStartupFails("chatops.aws.region=Tokyo", "region", "ap-northeast-1");
    }

    @Test
    void endpointThatIsNotAnHttpUrlFailsStartup() {
        assertStartupFails("chatops.aws.endpoint=localhost:8000", "chatops.aws.endpoint", "http://");
    }

    private void assertStartupFails(String property, String... messageParts) {
        properties.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains(messageParts);
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({DedupProperties.class, AwsProperties.class})
    static class PropertiesOnly {
    }
}
