package io.chatopshub.gitlab;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.chatopshub.ChatopsHubApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class DeployTargetStartupTests {

    @Test
    void aBadDeployTargetFromEnvironmentVariablesStopsTheHubNamingTheKey() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "hub-bad-target-");
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_CHANNEL", "C0123456",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_PROJECT", "web",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_PROJECT_ID", "1234",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_0_REF", "main",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_1_CHANNEL", "C0123456",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_1_PROJECT", "api",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_1_PROJECT_ID", "1235",
                        "CHATOPS_GITLAB_DEPLOY_TARGETS_1_REF", "release branch")));

        assertThatThrownBy(() -> new SpringApplicationBuilder(ChatopsHubApplication.class)
                .environment(environment)
                .run("--server.port=0", "--chatops.data-dir=" + dataDir, "--spring.jmx.enabled=false",
                        "--chatops.slack.signing-secret=test-secret",
                        "--camel.main.jmx-enabled=false", "--camel.springboot.main-run-controller=false"))
                .rootCause()
                .hasMessage("chatops.gitlab.deploy-targets[1].ref must not contain spaces");
    }
}
