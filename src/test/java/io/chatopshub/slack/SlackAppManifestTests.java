package io.chatopshub.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The two app manifests (HTTP and Socket Mode) differ only in how Slack reaches the hub: an app
 * made from either may do the same things, so both ask for the same bot scopes and events.
 */
class SlackAppManifestTests {

    @Test
    void theSocketModeManifestAsksForTheSameBotScopesAndEventsAsTheHttpOne() throws IOException {
        Map<String, Object> http = read("slack-app-manifest.yaml");
        Map<String, Object> socket = read("slack-app-manifest.socket-mode.yaml");

        assertThat(strings(path(socket, "oauth_config", "scopes", "bot")))
                .containsExactlyInAnyOrderElementsOf(strings(path(http, "oauth_config", "scopes", "bot")))
                .contains("usergroups:read");
        assertThat(path(socket, "settings", "event_subscriptions", "bot_events"))
                .isEqualTo(path(http, "settings", "event_subscriptions", "bot_events"));
        assertThat(path(socket, "settings", "socket_mode_enabled")).isEqualTo(true);
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static Map<String, Object> read(String file) throws IOException {
        try (Reader reader = Files.newBufferedReader(Path.of(file))) {
            return new Yaml().load(reader);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> yaml, String... keys) {
        Object node = yaml;
        for (String key : keys) {
            node = ((Map<String, Object>) node).get(key);
        }
        return node instanceof List<?> list ? List.copyOf(list) : node;
    }
}
