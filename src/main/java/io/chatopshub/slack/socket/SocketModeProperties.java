package io.chatopshub.slack.socket;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Socket Mode: with an app-level token the hub dials out to Slack instead of waiting for Slack
 * to call in, so it can run where no public URL reaches it. Bound beside {@code SlackProperties}
 * under the same {@code chatops.slack} prefix, so the key people set is {@code chatops.slack.app-token}.
 *
 * @param appToken the app-level token ({@code xapp-…}, scope {@code connections:write}); empty: no Socket Mode
 * @param socket how the connections are kept
 */
@Validated
@ConfigurationProperties("chatops.slack")
public record SocketModeProperties(String appToken, @Valid @NotNull @DefaultValue Socket socket) {

    public SocketModeProperties {
        if (appToken != null && !appToken.isBlank() && !appToken.strip().startsWith("xapp-")) {
            throw new IllegalArgumentException("chatops.slack.app-token must be an app-level token starting with "
                    + "xapp- (the bot token xoxb-… goes in chatops.slack.bot-token)");
        }
        appToken = appToken == null || appToken.isBlank() ? null : appToken.strip();
    }

    public boolean enabled() {
        return appToken != null;
    }

    /**
     * @param connections how many connections each instance keeps open; Slack spreads envelopes over
     *        them, and while one reconnects the others keep receiving (Slack allows up to 10 per app)
     * @param checkInterval how often each connection is checked (ping) and, if lost, reopened
     * @param helloTimeout how long a new connection may take to say hello before it counts as failed
     * @param minBackoff the wait after the first failed attempt; it doubles with each further failure
     * @param maxBackoff the longest wait between attempts
     */
    public record Socket(
            @DefaultValue("2") @Min(1) @Max(10) int connections,
            @DefaultValue("5s") @NotNull Duration checkInterval,
            @DefaultValue("10s") @NotNull Duration helloTimeout,
            @DefaultValue("1s") @NotNull Duration minBackoff,
            @DefaultValue("2m") @NotNull Duration maxBackoff) {

        public Socket {
            positive("check-interval", checkInterval);
            positive("hello-timeout", helloTimeout);
            positive("min-backoff", minBackoff);
            positive("max-backoff", maxBackoff);
            if (maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("chatops.slack.socket.max-backoff must not be shorter than min-backoff");
            }
        }

        private static void positive(String key, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException("chatops.slack.socket." + key + " must be a positive duration, e.g. 5s");
            }
        }
    }

    @Override
    public String toString() {
        return "SocketModeProperties[appToken=" + (enabled() ? "***" : "") + ", socket=" + socket + "]";
    }
}
