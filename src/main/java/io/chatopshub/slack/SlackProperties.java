package io.chatopshub.slack;

import java.net.URI;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.chatopshub.system.HttpUrls;

/**
 * Slack credentials and endpoints. Without a signing secret the /slack endpoints refuse every
 * request; without a bot token every Web API call is logged as DRY-RUN.
 */
@Validated
@ConfigurationProperties("chatops.slack")
public record SlackProperties(
        String signingSecret,
        String botToken,
        @NotNull @DefaultValue("https://slack.com") URI url,
        @Pattern(regexp = "|[CG][A-Z0-9]{2,}", message = "must be a Slack channel id such as C0123456 (not a #name)")
        String alertChannel,
        String webhookUrl) {

    public SlackProperties {
        if (url != null && !HttpUrls.isHttp(url)) {
            throw new IllegalArgumentException("chatops.slack.url is '" + url + "': expected an absolute http(s) URL such as "
                    + "https://slack.com (the Web API's methods are called under its /api/)");
        }
        if (url != null && url.getPath() != null && url.getPath().replaceAll("/+$", "").endsWith("/api")) {
            throw new IllegalArgumentException("chatops.slack.url is '" + url + "': expected the URL without /api, such as "
                    + "https://slack.com (the hub adds /api/ itself: this one would call " + methodsUrlPrefix(url)
                    + "chat.postMessage)");
        }
        // the two tokens of a Socket Mode app are easily swapped; with an app-level token every Web API call fails
        if (botToken != null && botToken.strip().startsWith("xapp-")) {
            throw new IllegalArgumentException("chatops.slack.bot-token is an app-level token (xapp-…): expected the "
                    + "Bot User OAuth Token xoxb-… (the xapp- token goes in chatops.slack.app-token)");
        }
    }

    /** Where the Web API's methods are: {@code url} without its trailing slashes, then {@code /api/}. */
    public String methodsUrlPrefix() {
        return methodsUrlPrefix(url);
    }

    private static String methodsUrlPrefix(URI url) {
        return url.toString().replaceAll("/+$", "") + "/api/";
    }

    public boolean hasSigningSecret() {
        return signingSecret != null && !signingSecret.isBlank();
    }

    public boolean hasBotToken() {
        return botToken != null && !botToken.isBlank();
    }

    public boolean hasWebhookUrl() {
        return webhookUrl != null && !webhookUrl.isBlank();
    }

    @Override
    public String toString() {
        return "SlackProperties[url=" + url + ", alertChannel=" + alertChannel + ", signingSecret="
                + (hasSigningSecret() ? "***" : "") + ", botToken=" + (hasBotToken() ? "***" : "")
                + ", webhookUrl=" + (hasWebhookUrl() ? "***" : "") + "]";
    }
}
