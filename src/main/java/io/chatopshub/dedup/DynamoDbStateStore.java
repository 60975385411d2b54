package io.chatopshub.dedup;

import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * {@link StateStore} on one DynamoDB table, so that every hub instance pointing at the table
 * sees the same claims. Atomicity comes from DynamoDB's conditional writes; expiry is checked
 * on every read and in every condition because DynamoDB's TTL deletes items lazily, often hours
 * after they expired.
 *
 * <p>Table layout: partition key {@code pk} (S), value {@code val} (S), {@code expiresAt} (N,
 * epoch seconds, the table's TTL attribute). An item is live while {@code expiresAt >= now}.
 *
 * <p>Throttling, 5xx answers, timeouts and I/O errors become {@link TransientFailureException}
 * so worker routes retry them; anything else (the table missing, access denied) becomes
 * {@link PermanentFailureException} because retrying will not fix it.
 */
final class DynamoDbStateStore implements StateStore {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStateStore.class);

    static final String KEY = "pk";
    static final String VALUE = "val";
    static final String EXPIRES_AT = "expiresAt";

    /** Readiness probes give up after a second or two; an answer after that is no answer. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** A new on-demand table is active within seconds; the SDK's default waits 20 s per poll. */
    private static final WaiterOverrideConfiguration TABLE_WAIT = WaiterOverrideConfiguration.builder()
            .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofSeconds(1)))
            .waitTimeout(Duration.ofMinutes(2))
            .build();

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    DynamoDbStateStore(DynamoDbClient client, String table, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public boolean claim(String key, String value, Duration ttl) {
        Map<String, AttributeValue> item = item(key, value, ttl);
        try {
            call("PutItem", () -> client.putItem(put -> put.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #exp < :now")
                    .expressionAttributeNames(Map.of("#pk", KEY, "#exp", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":now", number(nowSeconds())))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    @Override
    public Optional<String> get(String key) {
        Map<String, AttributeValue> item = call("GetItem", () -> client.getItem(get -> get.tableName(table)
                .key(key(key))
                .consistentRead(true)
                .projectionExpression("#val, #exp")
                .expressionAttributeNames(Map.of("#val", VALUE, "#exp", EXPIRES_AT)))).item();
        if (!isLive(item)) {
            return Optional.empty();
        }
        return Optional.ofNullable(item.get(VALUE)).map(AttributeValue::s);
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        Map<String, AttributeValue> item = item(key, value, ttl);
        call("PutItem", () -> client.putItem(put -> put.tableName(table).item(item)));
    }

    @Override
    public boolean replace(String key, String expected, String value, Duration ttl) {
        Objects.requireNonNull(expected, "expected");
        Map<String, AttributeValue> item = item(key, value, ttl);
        try {
            call("PutItem", () -> client.putItem(put -> put.tableName(table)
                    .item(item)
                    .conditionExpression("#val = :expected AND #exp >= :now")
                    .expressionAttributeNames(Map.of("#val", VALUE, "#exp", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(
                            ":expected", AttributeValue.fromS(expected),
                            ":now", number(nowSeconds())))));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    @Override
    public boolean remove(String key) {
        Map<String, AttributeValue> old = call("DeleteItem", () -> client.deleteItem(delete -> delete
                .tableName(table)
                .key(key(key))
                .returnValues(ReturnValue.ALL_OLD))).attributes();
        return isLive(old);
    }

    @Override
    public boolean isReachable() {
        try {
            client.describeTable(describe -> describe.tableName(table)
                    .overrideConfiguration(o -> o.apiCallTimeout(PROBE_TIMEOUT)));
            return true;
        } catch (RuntimeException unreachable) {
            LOG.debug("DynamoDB table {} not reachable: {}", table, unreachable.toString());
            return false;
        }
    }

    /**
     * Makes sure the table exists before the first claim, so that a missing table or permission
     * fails startup with a message saying what to fix rather than failing every delivery later.
     *
     * @throws IllegalStateException when the table is missing and may not or cannot be created
     */
    void ensureTable(boolean createIfMissing) {
        try {
            if (tableExists()) {
                LOG.info("Dedup store: DynamoDB table {} ({})", table, ttlStatus());
                return;
            }
            if (!createIfMissing) {
                throw new IllegalStateException("DynamoDB table '" + table + "' does not exist and "
                        + "chatops.dedup.create-table is false: create it (partition key " + KEY
                        + " of type S, TTL on " + EXPIRES_AT + ") or set chatops.dedup.create-table=true "
                        + "with the dynamodb:CreateTable and dynamodb:UpdateTimeToLive permissions");
            }
            create();
            LOG.info("Dedup store: DynamoDB table {} created (on-demand, TTL on {})", table, EXPIRES_AT);
        } catch (AwsServiceException e) {
            throw new IllegalStateException(startupFailure(e), e);
        } catch (SdkException e) {
            throw new IllegalStateException("Cannot reach DynamoDB to check table '" + table + "': "
                    + e.getMessage(), e);
        }
    }

    private boolean tableExists() {
        try {
            client.describeTable(describe -> describe.tableName(table));
            return true;
        } catch (ResourceNotFoundException missing) {
            return false;
        }
    }

    private void create() {
        try {
            client.createTable(create -> create.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName(KEY).attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build()));
        } catch (ResourceInUseException createdByAnotherInstance) {
            LOG.debug("DynamoDB table {} is being created by another instance", table);
        }
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(client).overrideConfiguration(TABLE_WAIT).build()) {
            waiter.waitUntilTableExists(describe -> describe.tableName(table))
                    .matched()
                    .exception()
                    .ifPresent(e -> {
                        throw new IllegalStateException("DynamoDB table '" + table + "' did not become active", e);
                    });
        }
        try {
            client.updateTimeToLive(update -> update.tableName(table)
                    .timeToLiveSpecification(spec -> spec.attributeName(EXPIRES_AT).enabled(true)));
        } catch (AwsServiceException e) {
            // instances started together: the one that created the table may have enabled TTL first
            if (!ttlOnExpiresAt()) {
                throw e;
            }
            LOG.debug("TTL on {} of DynamoDB table {} was enabled by another instance", EXPIRES_AT, table);
        }
    }

    private boolean ttlOnExpiresAt() {
        var description = client.describeTimeToLive(describe -> describe.tableName(table)).timeToLiveDescription();
        TimeToLiveStatus status = description.timeToLiveStatus();
        return (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING)
                && EXPIRES_AT.equals(description.attributeName());
    }

    private String ttlStatus() {
        try {
            if (ttlOnExpiresAt()) {
                return "TTL on " + EXPIRES_AT;
            }
            return "WARNING: TTL is not enabled on " + EXPIRES_AT + ", expired items will never be deleted";
        } catch (AwsServiceException e) {
            return "TTL status unknown: " + e.awsErrorDetails().errorCode();
        }
    }

    private String startupFailure(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if ("AccessDeniedException".equals(code) || "UnrecognizedClientException".equals(code)) {
            return "Not allowed to use DynamoDB table '" + table + "': the hub needs dynamodb:DescribeTable, "
                    + "dynamodb:GetItem, dynamodb:PutItem, dynamodb:DeleteItem on it, and dynamodb:CreateTable "
                    + "and dynamodb:UpdateTimeToLive to create it (chatops.dedup.create-table): "
                    + e.awsErrorDetails().errorMessage();
        }
        return "Cannot prepare DynamoDB table '" + table + "': " + e.getMessage();
    }

    private Map<String, AttributeValue> item(String key, String value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        return Map.of(KEY, AttributeValue.fromS(requireKey(key)),
                VALUE, AttributeValue.fromS(value),
                EXPIRES_AT, number(expiresAt(ttl)));
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of(KEY, AttributeValue.fromS(requireKey(key)));
    }

    private static String requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        return key;
    }

    /** Rounded up: an entry lives at least as long as asked, never shorter. */
    private long expiresAt(Duration ttl) {
        Instant expiry = clock.instant().plus(ttl);
        return expiry.getNano() == 0 ? expiry.getEpochSecond() : expiry.getEpochSecond() + 1;
    }

    private long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    private boolean isLive(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return false;
        }
        AttributeValue expiresAt = item.get(EXPIRES_AT);
        return expiresAt == null || expiresAt.n() == null || Long.parseLong(expiresAt.n()) >= nowSeconds();
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private <T> T call(String operation, Supplier<T> request) {
        try {
            return request.get();
        } catch (ConditionalCheckFailedException conditionFailed) {
            throw conditionFailed;
        } catch (ResourceNotFoundException missing) {
            throw new PermanentFailureException("dynamodb_table_not_found",
                    "DynamoDB table '" + table + "' does not exist (" + operation + ")", missing);
        } catch (AwsServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw new TransientFailureException("DynamoDB " + operation + " on '" + table
                        + "' failed, retry later: " + errorCode(e), e);
            }
            throw new PermanentFailureException("dynamodb_" + errorCode(e),
                    "DynamoDB " + operation + " on '" + table + "' refused: " + e.getMessage(), e);
        } catch (SdkClientException e) {
            if (isIoFailure(e)) {
                throw new TransientFailureException("DynamoDB " + operation + " on '" + table
                        + "' failed, retry later: " + e.getMessage(), e);
            }
            throw new PermanentFailureException("dynamodb_client",
                    "DynamoDB " + operation + " on '" + table + "' failed: " + e.getMessage(), e);
        }
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                ? "http_" + e.statusCode()
                : e.awsErrorDetails().errorCode();
    }

    private static boolean isIoFailure(SdkClientException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }
}
