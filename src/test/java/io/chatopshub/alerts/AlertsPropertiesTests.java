package io.chatopshub.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class AlertsPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(AlertsConfiguration.class);

    @Test
    void defaultsMatchTheContract() {
        runner.run(context -> assertThat(context.getBean(AlertsProperties.class))
                .isEqualTo(new AlertsProperties(Duration.ofSeconds(30), Duration.ofMinutes(5), 5)));
    }

    @Test
    void zeroGroupWaitFailsStartupNamingTheKey() {
        runner.withPropertyValues("chatops.alerts.group-wait=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("chatops.alerts.group-wait");
        });
    }

    @Test
    void thresholdBelowOneFailsStartup() {
        runner.withPropertyValues("chatops.alerts.group-threshold=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("groupThreshold");
        });
    }
}
