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
    void aGroupWaitWithoutUnitIsRefusedNotTakenAsMilliseconds() {
        runner.withPropertyValues("chatops.alerts.group-wait=30").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessage("chatops.alerts.group-wait is PT0.03S: must be "
                    + "at least 1s, e.g. 30s (a number without a unit is milliseconds)");
        });
        runner.withPropertyValues("chatops.alerts.group-interval=300").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageStartingWith("chatops.alerts.group-interval is PT0.3S");
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
