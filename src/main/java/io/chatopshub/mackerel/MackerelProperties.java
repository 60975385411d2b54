package io.chatopshub.mackerel;

import io.chatopshub.system.Secrets;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Mackerel signs nothing, so the unguessable token in the webhook URL is the only thing that
 * tells its calls from anyone else's.
 *
 * @param webhookToken value expected in {@code POST /hooks/mackerel?token=…}; blank disables the endpoint
 */
@ConfigurationProperties("chatops.mackerel")
public record MackerelProperties(String webhookToken) {

    public MackerelProperties {
        if (webhookToken != null && webhookToken.isBlank()) {
            webhookToken = null;
        }
        if (webhookToken != null && webhookToken.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                    "chatops.mackerel.webhook-token must not contain spaces or line breaks (check how it was pasted)");
        }
    }

    public boolean enabled() {
        return webhookToken != null;
    }

    @Override
    public String toString() {
        return "MackerelProperties[webhookToken=" + Secrets.presence(webhookToken) + "]";
    }
}
