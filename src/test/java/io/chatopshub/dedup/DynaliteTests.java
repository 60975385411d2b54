package io.chatopshub.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class DynaliteTests {

    @Test
    void missingInstallationFailsTheTestNamingTheInstallCommand(@TempDir Path empty) {
        assertThatThrownBy(() -> Dynalite.start(empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dynalite is not installed in " + empty)
                .hasMessageContaining("npm ci --prefix " + empty);
    }

    @Test
    void ttlSettingIsRecordedPerTableAsDynamoDbReportsIt() {
        String table = "ttl-" + System.nanoTime();
        var client = Dynalite.client();
        client.createTable(create -> create.tableName(table)
                .keySchema(key -> key.attributeName("pk").keyType("HASH"))
                .attributeDefinitions(attribute -> attribute.attributeName("pk").attributeType("S"))
                .billingMode("PAY_PER_REQUEST"));
        assertThat(client.describeTimeToLive(d -> d.tableName(table)).timeToLiveDescription().timeToLiveStatus())
                .isEqualTo(TimeToLiveStatus.DISABLED);

        client.updateTimeToLive(u -> u.tableName(table).timeToLiveSpecification(s -> s.attributeName("expiresAt").enabled(true)));

        var ttl = client.describeTimeToLive(d -> d.tableName(table)).timeToLiveDescription();
        assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(ttl.attributeName()).isEqualTo("expiresAt");
    }
}
