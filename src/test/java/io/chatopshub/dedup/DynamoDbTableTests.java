package io.chatopshub.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatopshub.system.PermanentFailureException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class DynamoDbTableTests {

    private final DynamoDbClient client = Dynalite.client();

    @Test
    void missingTableIsCreatedOnDemandWithTtlOnExpiresAt() {
        String table = table();

        new DynamoDbStateStore(client, table, Clock.systemUTC()).ensureTable(true);

        TableDescription created = client.describeTable(d -> d.tableName(table)).table();
        assertThat(created.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(created.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(created.keySchema()).singleElement().satisfies(key -> {
            assertThat(key.attributeName()).isEqualTo("pk");
            assertThat(key.keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(created.attributeDefinitions()).singleElement().satisfies(attribute -> {
            assertThat(attribute.attributeName()).isEqualTo("pk");
            assertThat(attribute.attributeType()).isEqualTo(ScalarAttributeType.S);
        });
        TimeToLiveDescription ttl = client.describeTimeToLive(d -> d.tableName(table)).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo("expiresAt");
        assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
    }

    @Test
    void twoInstancesFindingTheTableMissingTogetherBothStartOnTheTableOneOfThemCreated() {
        String table = table();
        // the second instance looked before the first created the table and enabled its TTL
        DynamoDbStateStore late = new DynamoDbStateStore(missingAtFirstLook(client), table, Clock.systemUTC());
        DynamoDbStateStore first = new DynamoDbStateStore(client, table, Clock.systemUTC());
        first.ensureTable(true);
        first.put("k", "v", Duration.ofMinutes(1));

        late.ensureTable(true);

        assertThat(late.get("k")).contains("v");
        TimeToLiveDescription ttl = client.describeTimeToLive(d -> d.tableName(table)).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo("expiresAt");
        assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
    }

    @Test
    void existingTableIsUsedAsItIsWithItsItems() {
        String table = table();
        DynamoDbStateStore first = new DynamoDbStateStore(client, table, Clock.systemUTC());
        first.ensureTable(true);
        first.put("k", "v", Duration.ofMinutes(1));

        DynamoDbStateStore second = new DynamoDbStateStore(client, table, Clock.systemUTC());
        second.ensureTable(true);
        second.ensureTable(false);

        assertThat(second.get("k")).contains("v");
    }

    @Test
    void missingTableWithoutPermissionToCreateItFailsStartupNamingTableAndPermission() {
        String table = table();
        DynamoDbStateStore store = new DynamoDbStateStore(client, table, Clock.systemUTC());

        assertThatThrownBy(() -> store.ensureTable(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'" + table + "'")
                .hasMessageContaining("chatops.dedup.create-table")
                .hasMessageContaining("dynamodb:CreateTable");
        assertThatThrownBy(() -> client.describeTable(d -> d.tableName(table)))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void tableDeletedAfterStartupIsAPermanentFailureNamingTheTable() {
        String table = table();
        DynamoDbStateStore store = new DynamoDbStateStore(client, table, Clock.systemUTC());

        assertThatThrownBy(() -> store.claim("k", "v", Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(PermanentFailureException.class,
                        e -> assertThat(e.code()).isEqualTo("dynamodb_table_not_found"))
                .hasMessageContaining("'" + table + "'");
        assertThat(store.isReachable()).isFalse();
    }

    @Test
    void reachableWhenTheTableAnswers() {
        String table = table();
        DynamoDbStateStore store = new DynamoDbStateStore(client, table, Clock.systemUTC());
        store.ensureTable(true);

        assertThat(store.isReachable()).isTrue();
    }

    /** DynamoDB as an instance saw it that asked for the table just before another instance created it. */
    private static DynamoDbClient missingAtFirstLook(DynamoDbClient real) {
        AtomicBoolean looked = new AtomicBoolean();
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("describeTable") && !looked.getAndSet(true)) {
                        throw ResourceNotFoundException.builder().message("Cannot do operations on a non-existent table").build();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String table() {
        return "dedup-" + UUID.randomUUID();
    }
}
