package io.chatopshub.alerts;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatopshub.ChatopsHubApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A pipeline parameter of the wrong type stops the hub at startup, naming the pipeline and the parameter. */
class AlertPipelineStartupTests {

    @Test
    void aNonNumericProjectIdAndAChannelNameStopStartupNamingPipelineAndParameter() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "hub-bad-pipeline-");
        Path pipelines = dataDir.resolve("bad-pipelines.camel.yaml");
        Files.writeString(pipelines, """
                - templatedRoute:
                    routeTemplateRef: alert-to-backlog
                    routeId: alerts-ops-to-backlog
                    parameters:
                      - {name: name, value: ops-backlog}
                      - {name: projectId, value: OPS}
                - templatedRoute:
                    routeTemplateRef: alert-to-slack
                    routeId: alerts-ops-to-slack
                    parameters:
                      - {name: name, value: ops-slack}
                      - {name: channel, value: "#ops-alerts"}
                """);

        assertThatThrownBy(() -> new SpringApplicationBuilder(ChatopsHubApplication.class)
                .run("--server.port=0", "--chatops.data-dir=" + dataDir, "--chatops.slack.signing-secret=startup-test",
                        "--spring.jmx.enabled=false",
                        "--camel.main.jmx-enabled=false", "--camel.springboot.main-run-controller=false",
                        "--camel.main.routes-include-pattern=file:routes/alerts/alert-pipeline-templates.camel.yaml,file:"
                                + pipelines))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Alert pipelines in routes/alerts/*.camel.yaml are misconfigured: "
                        + "pipeline 'ops-backlog' (route alerts-ops-to-backlog) parameter 'projectId' is 'OPS', expected a "
                        + "numeric Backlog id, or empty for the configured one; "
                        + "pipeline 'ops-slack' (route alerts-ops-to-slack) parameter 'channel' is '#ops-alerts', expected a "
                        + "Slack channel id such as C0123456 (not a #name), or empty for chatops.slack.alert-channel");
    }
}
