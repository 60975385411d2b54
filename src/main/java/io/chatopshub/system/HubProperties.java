package io.chatopshub.system;

import java.nio.file.Path;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the hub itself: where embedded stores keep their files and how large an inbound
 * body may be.
 */
@Validated
@ConfigurationProperties("chatops")
public record HubProperties(@NotNull @DefaultValue("./data") Path dataDir, @NotNull @DefaultValue Http http) {

    public record Http(@NotNull @DefaultValue("1MB") DataSize maxBodySize) {
    }
}
