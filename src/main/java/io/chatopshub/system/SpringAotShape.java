package io.chatopshub.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.Ordered;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.AbstractEnvironment;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;

/**
 * Spring's ahead-of-time processing of the application context, used only when it is right.
 *
 * <p>The build (the {@code process-aot} goal of {@code spring-boot-maven-plugin}) evaluates every
 * condition of the context once and writes the bean definitions that result as code; a JVM started
 * with {@code spring.aot.enabled=true} runs that code instead of parsing configuration classes and
 * evaluating conditions again, which takes 2–3 s of CPU and about 8 MB of live heap off a start
 * (BENCHMARKS.md). What the code cannot do is follow a setting that would have changed a condition
 * (the console switched on, another dedup store, a profile): Spring documents AOT for a shape of
 * configuration fixed when the application is built. So the build also writes down that shape:
 * {@link Recorder} notes every property a condition, import selector or registrar reads while the
 * build evaluates them, and {@link Contribution} writes those names with a digest of their values
 * (never a value: a condition might read a secret), the active profiles and the cloud platform
 * (which Spring Boot detects from environment variables no condition asks for by name) to
 * {@link #RESOURCE}.
 * When the hub is started by its {@code main}, {@link Switch} compares that shape with the
 * environment it was given, after every environment post-processor has run, and turns Spring AOT on
 * only when all of it is the same; otherwise the context is prepared as usual and the log names
 * what differs. An operator's own {@code -Dspring.aot.enabled} is left as it is.
 */
public final class SpringAotShape {

    /** Where the build writes the shape of the configuration its code was generated for. */
    public static final String RESOURCE = "META-INF/chatops-hub/spring-aot-shape.properties";
    static final String PROFILES = "@profiles";
    static final String CLOUD_PLATFORM = "@cloud-platform";
    static final String ABSENT = "-";
    static final String NONE = "none";
    /** Settings whose conditions only ask whether they are set. */
    static final Set<String> PRESENCE_ONLY = Set.of("spring.security.user.name", "spring.security.user.password");
    /**
     * Settings that count only beside another: the server's port decides nothing unless a separate
     * management port is set (Spring Boot compares the two).
     */
    static final Map<String, String> ONLY_BESIDE = Map.of("server.port", "management.server.port");
    static final String AOT_ENABLED = "spring.aot.enabled";
    static final String AOT_PROCESSING = "spring.aot.processing";
    private static final String GENERATED_INITIALIZER = "io.chatopshub.ChatopsHubApplication__ApplicationContextInitializer";
    private static final Log LOG = LogFactory.getLog(SpringAotShape.class);

    private SpringAotShape() {
    }

    /** The shape of {@code environment} for the given property names: a digest of each value, the profiles, the cloud platform. */
    static Map<String, String> of(Environment environment, Set<String> names) {
        Map<String, String> shape = new TreeMap<>();
        shape.put(PROFILES, String.join(",", environment.getActiveProfiles()));
        shape.put(CLOUD_PLATFORM, cloudPlatform(environment));
        for (String name : names) {
            String partner = ONLY_BESIDE.get(name);
            if (partner == null || environment.getProperty(partner) != null) {
                shape.put(name, fingerprint(name, environment.getProperty(name)));
            }
        }
        return shape;
    }

    /**
     * How {@code environment} differs from the shape the build recorded, said in words (the profiles,
     * else the cloud platform, else every setting that differs); empty when it does not.
     */
    static Optional<String> difference(Map<String, String> recorded, Environment environment) {
        String profiles = String.join(",", environment.getActiveProfiles());
        if (!profiles.equals(recorded.getOrDefault(PROFILES, ""))) {
            return Optional.of("the active profiles are [" + profiles + "], the build's were [" + recorded.get(PROFILES) + "]");
        }
        String platform = cloudPlatform(environment);
        if (!platform.equals(recorded.getOrDefault(CLOUD_PLATFORM, NONE))) {
            return Optional.of("the cloud platform is " + platform + ", the build's was " + recorded.get(CLOUD_PLATFORM));
        }
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, String> entry : recorded.entrySet()) {
            String name = entry.getKey();
            if (name.startsWith("@")) {
                continue;
            }
            String value = environment.getProperty(name);
            if (!fingerprint(name, value).equals(entry.getValue())) {
                differing.add(name + (value == null ? " (not set here)"
                        : entry.getValue().equals(ABSENT) ? " (set here)" : " (another value here)"));
            }
        }
        return differing.isEmpty() ? Optional.empty()
                : Optional.of("these settings differ from the build's: " + String.join(", ", differing));
    }

    /**
     * What a condition can tell of a value: for most settings the value itself (as a digest), for
     * the operator's user and password only whether they are set (the conditions that read them ask
     * nothing else, and the value is a secret).
     */
    static String fingerprint(String name, String value) {
        if (value == null) {
            return ABSENT;
        }
        if (PRESENCE_ONLY.contains(name)) {
            return "false".equalsIgnoreCase(value.trim()) ? "false" : "set";
        }
        return digest(value);
    }

    private static String cloudPlatform(Environment environment) {
        CloudPlatform platform = CloudPlatform.getActive(environment);
        return platform == null ? NONE : platform.name();
    }

    static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> read(InputStream in) throws IOException {
        Properties properties = new Properties();
        properties.load(in);
        Map<String, String> shape = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> shape.put(name, properties.getProperty(name)));
        return shape;
    }

    static String write(Map<String, String> shape) {
        Properties properties = new Properties();
        properties.putAll(shape);
        StringWriter out = new StringWriter();
        try {
            properties.store(out, "The configuration the hub's Spring AOT code was generated for (SpringAotShape)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * While the build processes the context ahead of time: a property source in front of all others
     * that answers nothing and notes each name asked for from inside a condition, an import selector
     * or an import registrar, the places where a setting decides which beans exist.
     */
    public static final class Recorder implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        static final String SOURCE = "chatopsAotShapeRecorder";

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            if (!Boolean.getBoolean(AOT_PROCESSING)) {
                return;
            }
            var sources = context.getEnvironment().getPropertySources();
            Recording recording = new Recording(sources.stream().map(PropertySource::getName).toList());
            // behind Spring Boot's attached source, which asks each source in turn, before every real one
            if (sources.contains("configurationProperties")) {
                sources.addAfter("configurationProperties", recording);
            } else {
                sources.addFirst(recording);
            }
        }
    }

    static final class Recording extends PropertySource<Object> {

        private static final Set<Class<?>> DECIDERS = Set.of(Condition.class, ImportSelector.class,
                ImportBeanDefinitionRegistrar.class, AutoConfigurationImportFilter.class);
        private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
        private final Set<String> names = new ConcurrentSkipListSet<>();
        private final Set<String> prepared;

        /** {@code prepared}: the property sources of the environment as the context was given it. */
        Recording(List<String> prepared) {
            super(Recorder.SOURCE, new Object());
            this.prepared = Set.copyOf(prepared);
        }

        Set<String> names() {
            return names;
        }

        /**
         * The shape of the settings the context was given, which is what {@link Switch} compares a
         * hub's settings with: without the property sources the context's own configuration classes
         * added while it was processed ({@code @PropertySource}, such as Hawtio's
         * {@code application.properties} with {@code hawtio.enabled=true} once the console is on),
         * which a hub's environment does not hold yet at that point and which come from the jar, not
         * from the operator.
         */
        Map<String, String> shape(ConfigurableEnvironment environment) {
            ConfigurableEnvironment given = new AbstractEnvironment() {
            };
            for (PropertySource<?> source : environment.getPropertySources()) {
                if (prepared.contains(source.getName()) && !ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
                    given.getPropertySources().addLast(source);
                }
            }
            ConfigurationPropertySources.attach(given);
            given.setActiveProfiles(environment.getActiveProfiles());
            return of(given, names);
        }

        @Override
        public Object getProperty(String name) {
            if (STACK.walk(frames -> frames.anyMatch(frame -> decides(frame.getDeclaringClass())))) {
                names.add(name);
            }
            return null;
        }

        private static boolean decides(Class<?> type) {
            for (Class<?> decider : DECIDERS) {
                if (decider.isAssignableFrom(type)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Writes the recorded shape beside the code the build generates. */
    public static final class Contribution implements BeanFactoryInitializationAotProcessor {

        @Override
        public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
            if (!(beanFactory.getBean(Environment.class) instanceof ConfigurableEnvironment environment)
                    || !(environment.getPropertySources().get(Recorder.SOURCE) instanceof Recording recording)) {
                return null;
            }
            String text = write(recording.shape(environment));
            return (generationContext, code) -> generationContext.getGeneratedFiles().addResourceFile(RESOURCE, text);
        }
    }

    /** Whether the hub's classes come from a jar, where the generated code was packaged with the classes it was made for. */
    static boolean packaged() {
        var source = SpringAotShape.class.getProtectionDomain().getCodeSource();
        return source != null && source.getLocation() != null && source.getLocation().toString().contains(".jar");
    }

    /**
     * Turns Spring AOT on for a hub started by its {@code main} when its environment has the shape the
     * build recorded, once the environment is complete (after Spring Boot's environment
     * post-processors and the hub's own, and before the context is made).
     */
    public static final class Switch implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            if (Boolean.getBoolean(AOT_PROCESSING)) {
                return; // the build itself, writing the code
            }
            if (!packaged()) {
                // classes compiled since the last package (./mvnw spring-boot:run, an IDE) may not match
                // the code that package generated, which stays in target/classes
                LOG.debug("Spring AOT: not used, the hub runs from a class folder, not from its packaged jar");
                return;
            }
            ClassPathResource resource = new ClassPathResource(RESOURCE, SpringAotShape.class.getClassLoader());
            if (!resource.exists() || !ClassUtils.isPresent(GENERATED_INITIALIZER, SpringAotShape.class.getClassLoader())) {
                LOG.debug("Spring AOT: no code generated at build time on the class path");
                return;
            }
            boolean operatorsChoice = SpringProperties.getProperty(AOT_ENABLED) != null;
            if (operatorsChoice && !AotDetector.useGeneratedArtifacts()) {
                return; // switched off by the operator: nothing to compare
            }
            Optional<String> difference;
            try (InputStream in = resource.getInputStream()) {
                difference = difference(read(in), event.getEnvironment());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (operatorsChoice) {
                difference.ifPresent(what -> LOG.warn("Spring AOT is on (" + AOT_ENABLED + "=true) but " + what
                        + ": beans may not follow those settings"));
                return;
            }
            if (difference.isPresent()) {
                LOG.info("Spring AOT: not used, " + difference.get() + "; the application context is prepared as usual");
                return;
            }
            System.setProperty(AOT_ENABLED, "true");
            LOG.info("Spring AOT: the application context prepared when the hub was built is used (same settings and profiles)");
        }
    }
}
