package io.chatopshub.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The table server of the compose example ({@code deploy/dynalite}: {@code server.js --service} on a data
 * volume) keeps what two hubs share across its own restart, as the example's volume promises.
 */
class DynaliteServiceTests {

    private static final String TABLE = "chatops-dedup";
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void claimsAndTheTtlSettingOutliveARestartOfTheService(@TempDir Path data) throws Exception {
        Dynalite.Service first = Dynalite.startService(data);
        try (var client = Dynalite.newClient(first.endpoint())) {
            var store = new DynamoDbStateStore(client, TABLE, Clock.systemUTC());
            store.ensureTable(true);
            assertThat(store.claim("slack:Ev0RESTART", "hub-a", HOUR)).isTrue();
        } finally {
            assertThat(first.stop()).as("exit code after SIGTERM").isZero();
        }

        Dynalite.Service second = Dynalite.startService(data);
        try (var client = Dynalite.newClient(second.endpoint())) {
            var store = new DynamoDbStateStore(client, TABLE, Clock.systemUTC());
            store.ensureTable(true);

            assertThat(store.claim("slack:Ev0RESTART", "hub-b", HOUR)).as("a retry after the restart").isFalse();
            assertThat(store.get("slack:Ev0RESTART")).contains("hub-a");
            var ttl = client.describeTimeToLive(describe -> describe.tableName(TABLE)).timeToLiveDescription();
            assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
            assertThat(ttl.attributeName()).isEqualTo(DynamoDbStateStore.EXPIRES_AT);
        } finally {
            second.stop();
        }
    }
}
