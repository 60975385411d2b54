package io.chatopshub.dedup;

import io.chatopshub.system.IntegrationStatus;
import io.chatopshub.system.InvalidConfigurationException;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The shared dedup store for several hub instances: one DynamoDB table, checked (and created if
 * allowed) at startup so that a wrong table name or a missing permission stops the hub at once
 * instead of failing every delivery.
 *
 * <p>There is no dry-run for this store: without DynamoDB the hub cannot tell a retry from a new
 * delivery, so {@code chatops.dedup.store=dynamodb} without a reachable table is a startup error.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "chatops.dedup.store", havingValue = "dynamodb")
@EnableConfigurationProperties({DedupProperties.class, AwsProperties.class})
class DynamoDbStoreConfiguration {

    /**
     * Bounds every call well below the deadlines of the routes that claim keys. Worker routes
     * retry transient failures with their own backoff, so the SDK's retries stay few.
     */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    private static final int ATTEMPTS = 3;

    @Bean
    DynamoDbClient dedupDynamoDbClient(AwsProperties aws, ObjectProvider<AwsCredentialsProvider> credentials) {
        return client(aws, credentials.getIfAvailable(() -> DefaultCredentialsProvider.builder().build()));
    }

    static DynamoDbClient client(AwsProperties aws, AwsCredentialsProvider credentials) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .region(region(aws))
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT)
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .retryStrategy(retry -> retry.maxAttempts(ATTEMPTS)));
        if (aws.endpoint() != null) {
            builder.endpointOverride(aws.endpoint());
        }
        return builder.build();
    }

    @Bean
    StateStore dynamoDbStateStore(DynamoDbClient dedupDynamoDbClient, DedupProperties dedup) {
        DynamoDbStateStore store = new DynamoDbStateStore(dedupDynamoDbClient, dedup.table(), Clock.systemUTC());
        store.ensureTable(dedup.createTable());
        return store;
    }

    @Bean
    IntegrationStatus dedupStoreStatus(DedupProperties dedup, AwsProperties aws) {
        String detail = "DynamoDB table " + dedup.table() + " in " + region(aws)
                + (aws.endpoint() == null ? "" : " at " + aws.endpoint())
                + ", entries kept " + dedup.ttl();
        return new IntegrationStatus() {
            @Override
            public String name() {
                return "dedup";
            }

            @Override
            public Mode mode() {
                return Mode.CONFIGURED;
            }

            @Override
            public String detail() {
                return detail;
            }
        };
    }

    private static Region region(AwsProperties aws) {
        if (aws.hasRegion()) {
            return Region.of(aws.region());
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException e) {
            throw new InvalidConfigurationException("chatops.dedup.store=dynamodb needs an AWS region: set "
                    + "chatops.aws.region (CHATOPS_AWS_REGION) or AWS_REGION");
        }
    }
}
