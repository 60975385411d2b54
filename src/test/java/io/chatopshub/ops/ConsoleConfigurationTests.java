package io.chatopshub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.mock.env.MockEnvironment;

class ConsoleConfigurationTests {

    private final ConsoleConfiguration configuration = new ConsoleConfiguration(new DeferredLogs());

    @Test
    void withAPasswordTheConsoleRunsAndNothingIsChanged() {
        var environment = new MockEnvironment().withProperty("spring.security.user.password", "a-long-passphrase");

        configuration.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getPropertySources().contains(ConsoleConfiguration.PROPERTY_SOURCE)).isFalse();
    }

    @Test
    void withoutAPasswordOutsideDevTheConsoleIsRefusedAndTheGeneratedPasswordStaysUnlogged() {
        var environment = new MockEnvironment();

        configuration.postProcessEnvironment(environment, new SpringApplication());

        assertConsoleOff(environment);
        assertThat(environment.getProperty(ConsoleConfiguration.GENERATED_PASSWORD_LOGGER)).isNull();
    }

    @Test
    void inTheDevProfileWithoutAPasswordTheConsoleRunsWithTheGeneratedPasswordLogged() {
        var environment = new MockEnvironment();
        environment.setActiveProfiles("dev");

        configuration.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("hawtio.enabled")).isNull();
        assertThat(environment.getProperty(ConsoleConfiguration.GENERATED_PASSWORD_LOGGER)).isEqualTo("WARN");
    }

    @Test
    void theSwitchKeepsHawtioAndJolokiaOutEvenWithAPassword() {
        var environment = new MockEnvironment().withProperty("spring.security.user.password", "a-long-passphrase")
                .withProperty("chatops.console.enabled", "false");

        configuration.postProcessEnvironment(environment, new SpringApplication());

        assertConsoleOff(environment);
    }

    @Test
    void withoutTheConsoleCamelRegistersRouteMBeansOnlyUnlessTheOperatorChoseALevel() {
        var environment = new MockEnvironment();
        configuration.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(ConsoleConfiguration.CAMEL_MBEANS_LEVEL)).isEqualTo("RoutesOnly");

        var chosen = new MockEnvironment().withProperty(ConsoleConfiguration.CAMEL_MBEANS_LEVEL, "ContextOnly");
        configuration.postProcessEnvironment(chosen, new SpringApplication());
        assertConsoleOff(chosen);
        assertThat(chosen.getProperty(ConsoleConfiguration.CAMEL_MBEANS_LEVEL)).isEqualTo("ContextOnly");
    }

    private static void assertConsoleOff(MockEnvironment environment) {
        assertThat(environment.getProperty("hawtio.enabled")).isEqualTo("false");
        assertThat(environment.getProperty("management.endpoint.hawtio.access")).isEqualTo("none");
        assertThat(environment.getProperty("management.endpoint.jolokia.access")).isEqualTo("none");
    }
}
