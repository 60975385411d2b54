package io.chatopshub.backlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.HubInstance;
import io.chatopshub.system.IntegrationStatus;
import io.chatopshub.testing.MemoryStateStore;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class BacklogPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(BacklogConfiguration.class)
            .withBean(StateStore.class, () -> new MemoryStateStore(Clock.systemUTC()))
            .withBean(HubInstance.class, HubInstance::transientInstance);

    @Test
    void urlAndKeyWithoutProjectIdFailStartupNamingTheKey() {
        runner.withPropertyValues("chatops.backlog.url=https://acme.backlog.com", "chatops.backlog.api-key=k3y",
                "chatops.backlog.issue-type-id=2", "chatops.backlog.priority-id=3").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("chatops.backlog.project-id must be set");
                });
    }

    @Test
    void urlThatIsNotHttpFailsStartup() {
        runner.withPropertyValues("chatops.backlog.url=acme.backlog.com").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("chatops.backlog.url must be");
        });
    }

    @Test
    void nonNumericIdFailsStartup() {
        runner.withPropertyValues("chatops.backlog.project-id=OPS").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void withoutCredentialsItIsDryRun() {
        runner.run(context -> {
            IntegrationStatus status = context.getBean(IntegrationStatus.class);
            assertThat(status.name()).isEqualTo("backlog");
            assertThat(status.mode()).isEqualTo(IntegrationStatus.Mode.DRY_RUN);
            assertThat(context.getBean(BacklogTickets.class)).isNotNull();
        });
    }

    @Test
    void configuredStatusAndToStringNeverShowTheKey() {
        runner.withPropertyValues("chatops.backlog.url=https://acme.backlog.com/", "chatops.backlog.api-key=VerySecretKey9",
                "chatops.backlog.project-id=10", "chatops.backlog.issue-type-id=20", "chatops.backlog.priority-id=3")
                .run(context -> {
                    IntegrationStatus status = context.getBean(IntegrationStatus.class);
                    assertThat(status.mode()).isEqualTo(IntegrationStatus.Mode.CONFIGURED);
                    assertThat(status.detail()).contains("https://acme.backlog.com").doesNotContain("VerySecretKey9");
                    BacklogProperties properties = context.getBean(BacklogProperties.class);
                    assertThat(properties.url()).isEqualTo("https://acme.backlog.com");
                    assertThat(properties.toString()).doesNotContain("VerySecretKey9");
                });
    }
}
