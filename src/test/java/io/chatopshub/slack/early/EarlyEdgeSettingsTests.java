package io.chatopshub.slack.early;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The early edge reads its settings the way Spring Boot does (application.yaml, arguments) and stays off when it cannot serve. */
class EarlyEdgeSettingsTests {

    private final List<String> notes = new ArrayList<>();

    @Test
    void argumentsAndApplicationYamlGiveThePortTheSecretTheFolderAndTheBodyLimit() {
        var settings = EarlyEdge.settings(new String[] { "--server.port=18999", "--server.address=127.0.0.1",
                "--chatops.slack.signing-secret=from-the-arguments", "--chatops.data-dir=/tmp/somewhere",
                "--chatops.http.max-body-size=2KB" }, notes);
        assertThat(settings).hasValueSatisfying(s -> {
            assertThat(s.address().getPort()).isEqualTo(18999);
            assertThat(s.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(s.signingSecret()).isEqualTo("from-the-arguments");
            assertThat(s.dataDir()).isEqualTo(Path.of("/tmp/somewhere"));
            assertThat(s.maxBodyBytes()).isEqualTo(2048);
        });
        var defaults = EarlyEdge.settings(new String[] { "--chatops.slack.signing-secret=s" }, notes);
        assertThat(defaults).hasValueSatisfying(s -> {
            assertThat(s.address().getPort()).as("application.yaml's server.port").isEqualTo(8080);
            assertThat(s.dataDir()).isEqualTo(Path.of("./data"));
            assertThat(s.maxBodyBytes()).isEqualTo(1024 * 1024);
        });
        assertThat(notes).isEmpty();
    }

    @Test
    void itStaysOffWhenTurnedOffWithoutASecretOrOverTls() {
        assertThat(EarlyEdge.settings(new String[] { "--chatops.slack.signing-secret=s", "--chatops.early-edge.enabled=false" },
                notes)).isEmpty();
        assertThat(EarlyEdge.settings(new String[0], notes)).isEmpty();
        assertThat(EarlyEdge.settings(new String[] { "--chatops.slack.signing-secret=s", "--chatops.slack.enabled=false" },
                notes)).isEmpty();
        assertThat(EarlyEdge.settings(new String[] { "--chatops.slack.signing-secret=s", "--server.ssl.enabled=true" },
                notes)).isEmpty();
        String neither = "no early edge: neither Slack (on, with a signing secret) nor a Mackerel or GitLab webhook token is configured";
        assertThat(notes).containsExactly("no early edge: chatops.early-edge.enabled is false", neither, neither,
                "no early edge: the web server is not plain HTTP");
    }

    @Test
    void aMackerelOrGitlabTokenAloneIsEnoughAndSlackOffLeavesItsSecretOut() {
        var mackerelOnly = EarlyEdge.settings(new String[] { "--chatops.mackerel.webhook-token=mk" }, notes);
        assertThat(mackerelOnly).hasValueSatisfying(s -> {
            assertThat(s.signingSecret()).isNull();
            assertThat(s.mackerelToken()).isEqualTo("mk");
        });
        var slackOff = EarlyEdge.settings(new String[] { "--chatops.slack.signing-secret=s", "--chatops.slack.enabled=false",
                "--chatops.mackerel.webhook-token=mk" }, notes);
        assertThat(slackOff).hasValueSatisfying(s -> assertThat(s.signingSecret()).isNull());
        var gitlabOnly = EarlyEdge.settings(new String[] { "--chatops.gitlab.webhook-token=gl" }, notes);
        assertThat(gitlabOnly).hasValueSatisfying(s -> {
            assertThat(s.gitlab().webhookToken()).isEqualTo("gl");
            assertThat(s.mackerelToken()).isNull();
        });
        assertThat(EarlyEdge.settings(new String[] { "--chatops.slack.signing-secret=s" }, notes))
                .hasValueSatisfying(s -> assertThat(s.gitlab()).as("no GitLab token: its hooks are not taken").isNull());
        assertThat(notes).isEmpty();
    }

    @Test
    void aConfigurationItCannotReadMeansNoEarlyEdgeNotAFailedStart() {
        var start = EarlyStart.begin(new String[] { "--chatops.slack.signing-secret=s", "--server.port=not-a-port" });
        assertThat(start.edge()).isEmpty();
        assertThat(start.notes()).singleElement().asString().startsWith("no early edge: ");
    }
}
