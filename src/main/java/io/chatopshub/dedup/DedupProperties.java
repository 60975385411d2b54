package io.chatopshub.dedup;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** Where de-duplication keys and small shared state live, and for how long. */
@Validated
@ConfigurationProperties("chatops.dedup")
public record DedupProperties(
        @NotNull @DefaultValue("embedded") Store store,
        @NotBlank @DefaultValue("chatops-dedup") String table,
        @NotNull @DefaultValue("24h") Duration ttl,
        @DefaultValue("true") boolean createTable) {

    public enum Store {
        EMBEDDED, DYNAMODB
    }
}
