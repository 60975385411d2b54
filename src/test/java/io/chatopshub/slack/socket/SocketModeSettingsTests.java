package io.chatopshub.slack.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;


/** Socket Mode's configuration, its reconnect pacing, and how a command payload meets the edge. */
class SocketModeSettingsTests {

    private static SocketModeProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("chatops.slack",
                SocketModeProperties.class);
    }

    @Test
    void withoutAnAppTokenSocketModeIsOffAndTheDefaultsKeepTwoConnections() {
        SocketModeProperties properties = bind(Map.of("chatops.slack.app-token", ""));
        assertThat(properties.enabled()).isFalse();
        assertThat(properties.socket().connections()).isEqualTo(2);
        assertThat(properties.socket().minBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.socket().maxBackoff()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aBotTokenInPlaceOfTheAppTokenStopsStartupSayingWhichTokenGoesWhere() {
        assertThatThrownBy(() -> bind(Map.of("chatops.slack.app-token", "xoxb-123")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessage("chatops.slack.app-token must be an app-level token starting with xapp- "
                        + "(the bot token xoxb-… goes in chatops.slack.bot-token)");
    }

    @Test
    void aMaximumBackoffShorterThanTheMinimumStopsStartup() {
        assertThatThrownBy(() -> bind(Map.of("chatops.slack.app-token", "xapp-1",
                "chatops.slack.socket.min-backoff", "10s", "chatops.slack.socket.max-backoff", "1s")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessage("chatops.slack.socket.max-backoff must not be shorter than min-backoff");
    }

    @Test
    void theAppTokenNeverShowsInTheConfigurationsText() {
        assertThat(bind(Map.of("chatops.slack.app-token", "xapp-1-secret")).toString()).doesNotContain("xapp-1-secret");
    }

    @Test
    void failedAttemptsWaitTwiceAsLongEachTimeUpToTheMaximum() {
        var settings = bind(Map.of("chatops.slack.app-token", "xapp-1", "chatops.slack.socket.min-backoff", "1s",
                "chatops.slack.socket.max-backoff", "5s")).socket();
        var connection = new SocketConnection(1, null, "xapp-1", settings, (kind, payload) -> null, null, Runnable::run);
        assertThat(connection.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(connection.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(connection.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(connection.backoff(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(connection.backoff(400)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aSlashCommandPayloadBecomesTheFieldsSlackWouldHavePosted() {
        var fields = EdgeEnvelopeSink.commandFields("{\"command\":\"/runbook\",\"text\":\"Restart-WebApp AppName=web & co\","
                + "\"trigger_id\":\"1.2.3\",\"user_id\":\"U0ALICE\",\"is_enterprise_install\":false}");
        assertThat(fields).isEqualTo(Map.of("command", "/runbook",
                "text", "Restart-WebApp AppName=web & co", "trigger_id", "1.2.3",
                "user_id", "U0ALICE", "is_enterprise_install", "false"));
    }
}
