package io.chatopshub.gitlab;

import java.time.Clock;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.IntegrationStatus;
import io.chatopshub.testing.MemoryStateStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class GitlabConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(GitlabConfiguration.class)
            .withBean(StateStore.class, () -> new MemoryStateStore(Clock.systemUTC()));

    @Test
    void startsWithDeployTargetsFromTheEnvironment() {
        runner.withPropertyValues(
                        "chatops.gitlab.webhook-token=hook",
                        "chatops.gitlab.deploy-targets[0].channel=C0123456",
                        "chatops.gitlab.deploy-targets[0].project=web",
                        "chatops.gitlab.deploy-targets[0].project-id=1234",
                        "chatops.gitlab.deploy-targets[0].ref=main",
                        "chatops.gitlab.deploy-targets[0].trigger-token=glptt-abc")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DeployTargets.class).releasable(null, "C0123456")).hasSize(1);
                    assertThat(context.getBean(IntegrationStatus.class).mode()).isEqualTo(IntegrationStatus.Mode.CONFIGURED);
                    assertThat(context).hasSingleBean(GitlabReleases.class).hasSingleBean(PipelineHook.class);
                });
    }

    @Test
    void badDeployTargetFailsStartupWithTheKeyInTheMessage() {
        runner.withPropertyValues(
                        "chatops.gitlab.deploy-targets[0].channel=C0123456",
                        "chatops.gitlab.deploy-targets[0].project=web",
                        "chatops.gitlab.deploy-targets[0].project-id=1234")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage("chatops.gitlab.deploy-targets[0].ref must not be blank"));
    }
}
