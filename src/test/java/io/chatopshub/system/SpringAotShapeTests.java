package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.mock.env.MockEnvironment;

/**
 * The shape of configuration Spring AOT's code stands for: recorded from what conditions read, and
 * compared with the settings a hub is started with (the launcher tests run a packaged hub with and
 * without Spring AOT, {@code RunHubIT}).
 */
class SpringAotShapeTests {

    private static final Set<String> NAMES = Set.of("chatops.dedup.store", "management.endpoint.hawtio.access",
            "spring.security.user.password", "server.port", "management.server.port");

    @Test
    void theSameSettingsHaveTheSameShapeAndTheShapeHoldsNoValue() throws Exception {
        MockEnvironment build = new MockEnvironment().withProperty("chatops.dedup.store", "embedded")
                .withProperty("management.endpoint.hawtio.access", "read-only");
        Map<String, String> shape = SpringAotShape.of(build, NAMES);
        String written = SpringAotShape.write(shape);
        assertThat(written).contains("chatops.dedup.store=").doesNotContain("embedded").doesNotContain("read-only");
        Map<String, String> read = SpringAotShape.read(new ByteArrayInputStream(written.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(read).isEqualTo(shape);

        MockEnvironment run = new MockEnvironment().withProperty("chatops.dedup.store", "embedded")
                .withProperty("management.endpoint.hawtio.access", "read-only")
                .withProperty("chatops.slack.signing-secret", "another secret");
        assertThat(SpringAotShape.difference(read, run)).isEmpty();
    }

    @Test
    void aValueThatDiffersOrIsSetOrIsGoneIsNamed() {
        Map<String, String> shape = SpringAotShape.of(new MockEnvironment().withProperty("chatops.dedup.store", "embedded"), NAMES);

        assertThat(SpringAotShape.difference(shape, new MockEnvironment().withProperty("chatops.dedup.store", "dynamodb")))
                .hasValue("these settings differ from the build's: chatops.dedup.store (another value here)");
        assertThat(SpringAotShape.difference(shape, new MockEnvironment()))
                .hasValue("these settings differ from the build's: chatops.dedup.store (not set here)");
        assertThat(SpringAotShape.difference(shape, new MockEnvironment().withProperty("chatops.dedup.store", "embedded")
                .withProperty("management.endpoint.hawtio.access", "unrestricted")))
                .hasValue("these settings differ from the build's: management.endpoint.hawtio.access (set here)");
    }

    @Test
    void anOperatorPasswordCountsOnlyAsSetOrNot() {
        Map<String, String> withPassword = SpringAotShape.of(
                new MockEnvironment().withProperty("spring.security.user.password", "at-build"), NAMES);
        assertThat(withPassword).containsEntry("spring.security.user.password", "set");
        assertThat(SpringAotShape.difference(withPassword,
                new MockEnvironment().withProperty("spring.security.user.password", "the operator's"))).isEmpty();
        assertThat(SpringAotShape.difference(withPassword, new MockEnvironment()))
                .hasValue("these settings differ from the build's: spring.security.user.password (not set here)");
        assertThat(SpringAotShape.difference(SpringAotShape.of(new MockEnvironment(), NAMES),
                new MockEnvironment().withProperty("spring.security.user.password", "p")))
                .hasValue("these settings differ from the build's: spring.security.user.password (set here)");
    }

    @Test
    void theServerPortCountsOnlyBesideASeparateManagementPort() {
        Map<String, String> shape = SpringAotShape.of(new MockEnvironment().withProperty("server.port", "8080"), NAMES);
        assertThat(shape).doesNotContainKey("server.port");
        assertThat(SpringAotShape.difference(shape, new MockEnvironment().withProperty("server.port", "9090"))).isEmpty();

        Map<String, String> separate = SpringAotShape.of(new MockEnvironment().withProperty("server.port", "8080")
                .withProperty("management.server.port", "8081"), NAMES);
        assertThat(SpringAotShape.difference(separate, new MockEnvironment().withProperty("server.port", "8081")
                .withProperty("management.server.port", "8081"))).hasValue(
                "these settings differ from the build's: server.port (another value here)");
    }

    @Test
    void profilesAndTheCloudPlatformAreOfTheShape() {
        Map<String, String> shape = SpringAotShape.of(new MockEnvironment(), NAMES);
        MockEnvironment dev = new MockEnvironment();
        dev.setActiveProfiles("dev");
        assertThat(SpringAotShape.difference(shape, dev)).hasValue("the active profiles are [dev], the build's were []");

        StandardEnvironment kubernetes = new StandardEnvironment();
        kubernetes.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new org.springframework.core.env.SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "KUBERNETES_SERVICE_PORT", "443")));
        assertThat(SpringAotShape.difference(shape, kubernetes))
                .hasValue("the cloud platform is KUBERNETES, the build's was none");
    }

    /** What a condition reads is noted; what a bean reads is not. */
    @Test
    void whileTheBuildProcessesTheContextTheNamesConditionsReadAreRecorded() {
        StandardEnvironment environment = settings();
        SpringAotShape.Recording recording = processAheadOfTime(environment, context -> {
            assertThat(context.getBean("secret")).isEqualTo("s");
        }, WhenTheStoreIsEmbedded.class);
        assertThat(recording.names()).contains("chatops.dedup.store").doesNotContain("chatops.slack.signing-secret");
    }

    /**
     * A configuration class's own {@code @PropertySource} (Hawtio's, once the console is on) is not
     * of the settings the build was given: a hub's environment does not hold it when it is compared.
     */
    @Test
    void whatAConfigurationClassBringsIsNotOfTheShape() {
        StandardEnvironment environment = settings();
        SpringAotShape.Recording recording = processAheadOfTime(environment, context -> {
            assertThat(context.getBean("console")).isEqualTo("on");
        }, WithItsOwnDefaults.class, WhenTheConsoleIsOn.class, WhenTheStoreIsEmbedded.class);
        assertThat(environment.getProperty("chatops.test.console")).isEqualTo("true");

        Map<String, String> shape = recording.shape(environment);
        assertThat(shape).containsEntry("chatops.test.console", SpringAotShape.ABSENT)
                .containsEntry("chatops.dedup.store", SpringAotShape.digest("embedded"));
        assertThat(SpringAotShape.difference(shape, settings())).isEmpty();
        assertThat(SpringAotShape.difference(SpringAotShape.of(environment, recording.names()), settings()))
                .hasValue("these settings differ from the build's: chatops.test.console (not set here)");
    }

    private static StandardEnvironment settings() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("settings",
                Map.of("chatops.dedup.store", "embedded", "chatops.slack.signing-secret", "s")));
        ConfigurationPropertySources.attach(environment);
        return environment;
    }

    /** Refreshes a context of {@code classes} as the build does, with the recorder in place. */
    private static SpringAotShape.Recording processAheadOfTime(StandardEnvironment environment,
            Consumer<AnnotationConfigApplicationContext> check, Class<?>... classes) {
        String processing = System.getProperty(SpringAotShape.AOT_PROCESSING);
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.setEnvironment(environment);
            System.setProperty(SpringAotShape.AOT_PROCESSING, "true");
            new SpringAotShape.Recorder().initialize(context);
            context.register(classes);
            context.refresh();
            check.accept(context);
            return (SpringAotShape.Recording) environment.getPropertySources().get(SpringAotShape.Recorder.SOURCE);
        } finally {
            if (processing == null) {
                System.clearProperty(SpringAotShape.AOT_PROCESSING);
            } else {
                System.setProperty(SpringAotShape.AOT_PROCESSING, processing);
            }
        }
    }

    /** Tests and ./mvnw spring-boot:run run from target/classes, where code generated by an earlier package may lie stale. */
    @Test
    void fromAClassFolderTheGeneratedCodeIsNotUsed() {
        assertThat(SpringAotShape.class.getProtectionDomain().getCodeSource().getLocation().toString()).endsWith("/classes/");
        assertThat(SpringAotShape.packaged()).isFalse();
    }

    @Test
    void outsideTheBuildNothingIsRecorded() {
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            int before = context.getEnvironment().getPropertySources().size();
            new SpringAotShape.Recorder().initialize(context);
            assertThat(context.getEnvironment().getPropertySources().size()).isEqualTo(before);
        }
    }

    static final class ReadsTheStore implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return "embedded".equals(context.getEnvironment().getProperty("chatops.dedup.store"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(ReadsTheStore.class)
    static class WhenTheStoreIsEmbedded {
        @Bean
        String secret(Environment environment) {
            return environment.getProperty("chatops.slack.signing-secret");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @PropertySource("classpath:io/chatopshub/system/its-own-defaults.properties")
    static class WithItsOwnDefaults {
    }

    static final class ReadsTheConsole implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !"false".equals(context.getEnvironment().getProperty("chatops.test.console"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(ReadsTheConsole.class)
    static class WhenTheConsoleIsOn {
        @Bean
        String console() {
            return "on";
        }
    }
}
