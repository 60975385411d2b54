package io.chatopshub.dedup;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What the store makes of DynamoDB's answers, played by WireMock so every failure can be staged. */
class DynamoDbFailureTests {

    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
    private static final String TABLE = "chatops-dedup";

    private WireMockServer dynamoDb;
    private DynamoDbClient client;
    private DynamoDbStateStore store;

    @BeforeEach
    void start() {
        dynamoDb = new WireMockServer(options().dynamicPort());
        dynamoDb.start();
        client = DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .endpointOverride(URI.create(dynamoDb.baseUrl()))
                .region(Region.US_EAST_1)
                .credentialsProvider(Dynalite.CREDENTIALS)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        store = new DynamoDbStateStore(client, TABLE, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        client.close();
        dynamoDb.stop();
    }

    @Test
    void claimIsOneConditionalPutThatOnlyOverwritesAbsentOrExpiredItems() {
        answer(200, "{}");

        assertThat(store.claim("dedup:slack:Ev123", "1", Duration.ofHours(24))).isTrue();

        dynamoDb.verify(1, postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.PutItem"))
                .withRequestBody(equalToJson("""
                        {"TableName": "chatops-dedup",
                         "Item": {"pk": {"S": "dedup:slack:Ev123"}, "val": {"S": "1"},
                                  "expiresAt": {"N": "%d"}},
                         "ConditionExpression": "attribute_not_exists(#pk) OR #exp < :now",
                         "ExpressionAttributeNames": {"#pk": "pk", "#exp": "expiresAt"},
                         "ExpressionAttributeValues": {":now": {"N": "%d"}}}
                        """.formatted(NOW.plus(Duration.ofHours(24)).getEpochSecond(), NOW.getEpochSecond()))));
    }

    @Test
    void failedConditionMeansTheClaimWasLostNotAnError() {
        answer(400, error("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                "The conditional request failed"));

        assertThat(store.claim("dedup:slack:Ev123", "1", Duration.ofHours(24))).isFalse();
        assertThat(store.replace("k", "a", "b", Duration.ofHours(1))).isFalse();
    }

    @Test
    void throttlingIsTransient() {
        answer(400, error("com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded"));

        assertThatThrownBy(() -> store.claim("k", "v", Duration.ofMinutes(1)))
                .isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("ProvisionedThroughputExceededException");
    }

    @Test
    void serverErrorIsTransient() {
        answer(500, error("com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"));

        assertThatThrownBy(() -> store.get("k")).isInstanceOf(TransientFailureException.class);
    }

    @Test
    void accessDeniedIsPermanent() {
        answer(400, error("com.amazon.coral.service#AccessDeniedException",
                "User is not authorized to perform: dynamodb:DeleteItem"));

        assertThatThrownBy(() -> store.remove("k"))
                .isInstanceOfSatisfying(PermanentFailureException.class,
                        e -> assertThat(e.code()).isEqualTo("dynamodb_AccessDeniedException"));
    }

    @Test
    void accessDeniedAtStartupNamesThePermissionsTheHubNeeds() {
        answer(400, error("com.amazon.coral.service#AccessDeniedException",
                "User is not authorized to perform: dynamodb:DescribeTable"));

        assertThatThrownBy(() -> store.ensureTable(true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'chatops-dedup'")
                .hasMessageContaining("dynamodb:DescribeTable")
                .hasMessageContaining("dynamodb:CreateTable");
    }

    @Test
    void downEndpointIsNotReachableWithinTheProbeTimeoutAndClaimsFailTransiently() throws IOException {
        URI nothingListens;
        try (ServerSocket socket = new ServerSocket(0)) {
            nothingListens = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        AwsProperties aws = new AwsProperties("us-east-1", nothingListens);
        try (DynamoDbClient down = DynamoDbStoreConfiguration.client(aws, Dynalite.CREDENTIALS)) {
            DynamoDbStateStore unreachable = new DynamoDbStateStore(down, TABLE, Clock.systemUTC());

            long started = System.nanoTime();
            assertThat(unreachable.isReachable()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(DynamoDbStateStore.PROBE_TIMEOUT.plusSeconds(1));

            assertThatThrownBy(() -> unreachable.claim("k", "v", Duration.ofMinutes(1)))
                    .isInstanceOf(TransientFailureException.class)
                    .hasMessageContaining("PutItem");
        }
    }

    private void answer(int status, String body) {
        dynamoDb.stubFor(post("/").willReturn(aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody(body)));
    }

    private static String error(String type, String message) {
        return "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
    }
}
