package io.chatopshub.dedup;

import io.chatopshub.system.HttpUrls;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the hub's AWS calls go. Credentials are deliberately not here: they come from the SDK's
 * default provider chain (environment, profile, web identity, container or instance role), so
 * no AWS secret needs to sit in the hub's configuration.
 *
 * @param region   e.g. {@code ap-northeast-1}; empty means the SDK's region chain
 *                 ({@code AWS_REGION}, profile, instance metadata)
 * @param endpoint optional override, e.g. {@code http://127.0.0.1:4567} for a local DynamoDB-compatible server
 */
@Validated
@ConfigurationProperties("chatops.aws")
public record AwsProperties(
        @Pattern(regexp = "|[a-z]{2}(-[a-z]+)+-\\d+", message = "must be an AWS region such as ap-northeast-1")
        String region,
        URI endpoint) {

    public AwsProperties {
        if (endpoint != null && !HttpUrls.isHttp(endpoint)) {
            throw new IllegalArgumentException("chatops.aws.endpoint is '" + endpoint
                    + "': expected an absolute http:// or https:// URL with a host, such as http://127.0.0.1:4567");
        }
    }

    boolean hasRegion() {
        return region != null && !region.isBlank();
    }
}
