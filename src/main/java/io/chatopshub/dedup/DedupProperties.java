package io.chatopshub.dedup;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the de-duplication keys and small integration state live. The embedded store suits one
 * instance; several instances must share a DynamoDB table so that a retried delivery reaching
 * another instance is still recognised.
 *
 * @param store       {@code embedded} (a file under {@code chatops.data-dir}) or {@code dynamodb}
 * @param table       the DynamoDB table, used only with {@code dynamodb}
 * @param ttl         how long a delivery id is remembered; longer than any sender's retry window
 * @param createTable whether the hub may create the DynamoDB table when it is missing
 */
@Validated
@ConfigurationProperties("chatops.dedup")
public record DedupProperties(
        @DefaultValue("embedded") @NotNull Store store,
        @DefaultValue("chatops-dedup")
        @NotNull
        @Pattern(regexp = "[a-zA-Z0-9_.-]{3,255}",
                message = "must be a DynamoDB table name: 3 to 255 of a-z, A-Z, 0-9, '_', '-', '.'")
        String table,
        @DefaultValue("24h") @NotNull @DurationMin(seconds = 1, message = "must be at least 1s") Duration ttl,
        @DefaultValue("true") boolean createTable) {

    public enum Store {
        EMBEDDED,
        DYNAMODB
    }
}
