package io.chatopshub.mackerel;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatopshub.system.IntegrationStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class MackerelPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(MackerelConfiguration.class);

    @Test
    void tokenWithWhitespaceFailsStartupNamingTheKey() {
        runner.withPropertyValues("chatops.mackerel.webhook-token=abc def").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("chatops.mackerel.webhook-token must not contain spaces");
        });
    }

    @Test
    void statusIsConfiguredWithTokenAndDisabledWithout() {
        runner.withPropertyValues("chatops.mackerel.webhook-token=Zm9vYmFyYmF6cXV4").run(context -> {
            IntegrationStatus status = context.getBean(IntegrationStatus.class);
            assertThat(status.name()).isEqualTo("mackerel");
            assertThat(status.mode()).isEqualTo(IntegrationStatus.Mode.CONFIGURED);
            assertThat(status.detail()).doesNotContain("Zm9vYmFyYmF6cXV4");
            assertThat(context.getBean(MackerelProperties.class).toString()).doesNotContain("Zm9vYmFyYmF6cXV4");
        });
        runner.run(context -> assertThat(context.getBean(IntegrationStatus.class).mode())
                .isEqualTo(IntegrationStatus.Mode.DISABLED));
    }
}
