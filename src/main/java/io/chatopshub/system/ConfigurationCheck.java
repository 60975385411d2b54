package io.chatopshub.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import io.chatopshub.dedup.DedupProperties;

/**
 * The mistakes Spring's binding cannot see, checked on the environment before any bean exists:
 * a missing Slack signing secret (the hub would answer READY and refuse every Slack request), a
 * numbered list with a gap (Spring silently drops {@code CHATOPS_GITLAB_DEPLOY_TARGETS_1_*} when
 * there is no {@code _0_}), a data directory that is a file or cannot be written, a dedup store nobody provides (otherwise a bean-wiring error far from
 * the key), a routes pattern that matches no file and a route id the hub can never call. Each
 * throws {@link InvalidConfigurationException}, which {@link ConfigurationFailureAnalyzer} turns
 * into one line.
 */
public class ConfigurationCheck implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

    static final String ROUTES_PATTERN = "camel.main.routes-include-pattern";
    private static final Pattern INDEX = Pattern.compile("\\d+");
    private static final Pattern ROUTE_ID = Pattern.compile(
            "^\\s*(?:-\\s*)?(?:id|routeId):\\s*[\"']?(slack-(command|mention|action)-([^\"'\\s#]*))[\"']?\\s*(?:#.*)?$");
    private static final Pattern COMMAND_NAME = Pattern.compile("[a-z0-9_-]+");
    private static final Pattern MENTION_KEYWORD = Pattern.compile("[\\p{L}\\p{N}_-]+");
    private static final Pattern ACTION_HANDLER = Pattern.compile("[^.\\s]+");
    private static final Pattern CONSUMERS = Pattern.compile("[1-9][0-9]?");
    private static final int MAX_CONSUMERS = 64;
    /** What a route template's {@code consumers} parameter may be, for the line that refuses another value. */
    public static final String CONSUMERS_EXPECTED = "a number from 1 to " + MAX_CONSUMERS;

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /**
     * Checks when the context refreshes, before any bean definition is read: the environment is
     * complete then (tests add their properties after environment post-processors have run).
     */
    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.addBeanFactoryPostProcessor(new BeanDefinitionRegistryPostProcessor() {
            @Override
            public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
                check(context.getEnvironment());
            }

            @Override
            public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
                // checked above
            }
        });
    }

    static void check(ConfigurableEnvironment environment) {
        Binder binder = Binder.get(environment);
        checkSlack(binder);
        checkDataDir(binder);
        binder.bind("chatops.dedup.store", DedupProperties.Store.class);
        // read by logback-spring.xml, which cannot refuse a value: a word that is not a boolean would leave JSON off
        binder.bind("chatops.logging.json", Boolean.class);
        checkListsHaveNoGaps(environment);
        checkRoutes(binder);
    }

    static void checkSlack(Binder binder) {
        boolean enabled = binder.bind("chatops.slack.enabled", Boolean.class).orElse(true);
        String secret = binder.bind("chatops.slack.signing-secret", String.class).orElse("");
        String appToken = binder.bind("chatops.slack.app-token", String.class).orElse("");
        // Socket Mode alone needs no signing secret: Slack authenticates the connection, not each request
        if (enabled && secret.isBlank() && appToken.isBlank()) {
            throw new InvalidConfigurationException("chatops.slack.signing-secret (CHATOPS_SLACK_SIGNING_SECRET) is not set: "
                    + "expected the Signing Secret of the Slack app (Basic Information), "
                    + "or chatops.slack.app-token to take Slack over Socket Mode only, "
                    + "or chatops.slack.enabled=false to run without Slack");
        }
    }

    /**
     * The data directory holds the broker's journal and the stores: one that is a file, cannot be
     * created or is not writable would otherwise fail deep inside whichever of them opens it first.
     */
    static void checkDataDir(Binder binder) {
        Path dir = binder.bind("chatops.data-dir", Path.class).orElse(Path.of("./data"));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidConfigurationException("chatops.data-dir is '" + dir + "': expected a directory, not a file");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException("chatops.data-dir is '" + dir + "': the directory cannot be created ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new InvalidConfigurationException("chatops.data-dir is '" + dir + "': the directory is not writable by "
                    + "the user the hub runs as");
        }
    }

    /** Every chatops list numbered from 0 without gaps, whichever property source numbers it. */
    static void checkListsHaveNoGaps(ConfigurableEnvironment environment) {
        Map<String, TreeSet<Integer>> indexes = new TreeMap<>();
        Map<String, Boolean> fromEnvironment = new TreeMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            boolean isEnv = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(nameOf(source));
            iterable.stream().filter(n -> n.getNumberOfElements() > 1 && "chatops".equals(n.getElement(0, ConfigurationPropertyName.Form.UNIFORM)))
                    .forEach(name -> {
                        for (int i = 1; i < name.getNumberOfElements(); i++) {
                            String element = name.getElement(i, ConfigurationPropertyName.Form.UNIFORM);
                            if (name.isNumericIndex(i) || (isEnv && INDEX.matcher(element).matches())) {
                                String parent = name.chop(i).toString();
                                indexes.computeIfAbsent(parent, k -> new TreeSet<>()).add(Integer.parseInt(element));
                                fromEnvironment.merge(parent, isEnv, Boolean::logicalOr);
                            }
                        }
                    });
        }
        indexes.forEach((parent, present) -> {
            for (int expected = 0; expected <= present.last(); expected++) {
                if (!present.contains(expected)) {
                    int next = present.higher(expected);
                    String message = Boolean.TRUE.equals(fromEnvironment.get(parent))
                            ? envName(parent) + "_" + next + "_* is set but " + envName(parent) + "_" + expected
                                    + "_* is not: expected list elements numbered from 0 without gaps"
                            : parent + "[" + next + "] is set but " + parent + "[" + expected
                                    + "] is not: expected list elements numbered from 0 without gaps";
                    throw new InvalidConfigurationException(message);
                }
            }
        });
    }

    private static Object nameOf(ConfigurationPropertySource source) {
        return source.getUnderlyingSource() instanceof org.springframework.core.env.PropertySource<?> ps ? ps.getName() : null;
    }

    private static String envName(String dotted) {
        return dotted.toUpperCase(Locale.ROOT).replaceAll("[.\\-\\[\\]]+", "_").replaceAll("_+$", "");
    }

    /** Each routes pattern matches at least one file, and every slack-* route id can be called. */
    static void checkRoutes(Binder binder) {
        String patterns = binder.bind(ROUTES_PATTERN, String.class).orElse("");
        var resolver = new PathMatchingResourcePatternResolver();
        for (String raw : patterns.split(",")) {
            String pattern = raw.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            String location = pattern.contains(":") ? pattern : "classpath:" + pattern;
            Resource[] files;
            try {
                files = resolver.getResources(location);
            } catch (IOException e) {
                files = new Resource[0];
            }
            List<Resource> existing = new ArrayList<>();
            for (Resource file : files) {
                if (file.exists() && file.isReadable()) {
                    existing.add(file);
                }
            }
            if (existing.isEmpty()) {
                throw new InvalidConfigurationException(ROUTES_PATTERN + " '" + pattern + "' matches no file (working directory "
                        + System.getProperty("user.dir") + "): expected a pattern such as file:routes/**/*.camel.yaml");
            }
            for (Resource file : existing) {
                checkRouteIds(file);
            }
        }
    }

    static void checkRouteIds(Resource file) {
        String text;
        try {
            text = file.getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = ROUTE_ID.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String id = m.group(1);
            String kind = m.group(2);
            String rest = m.group(3);
            String problem = switch (kind) {
                case "command" -> COMMAND_NAME.matcher(rest).matches() ? null
                        : "Slack command names are lower-case letters, digits, - and _; expected slack-command-"
                                + SlackNames.commandName(rest);
                case "mention" -> MENTION_KEYWORD.matcher(rest).matches() && rest.equals(rest.toLowerCase(Locale.ROOT)) ? null
                        : "mention keywords are matched as one lower-case word; expected slack-mention-"
                                + rest.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_-]", "");
                default -> ACTION_HANDLER.matcher(rest).matches() ? null
                        : "action handlers are the part of an action_id before its first '.'; expected a name without '.'";
            };
            if (problem != null) {
                throw new InvalidConfigurationException(describe(file) + " line " + (i + 1) + ": route id " + id
                        + " can never be called: " + problem);
            }
        }
    }

    /**
     * A route template parameter's value, trimmed, with property placeholders resolved (a parameter
     * may be {@code {{chatops.x}}}); as written when a placeholder cannot be resolved.
     */
    public static String templateParameter(org.apache.camel.CamelContext camel, Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString().strip();
        try {
            return camel.resolvePropertyPlaceholders(text).strip();
        } catch (RuntimeException unresolved) {
            return text;
        }
    }

    /** A route template's count of queue consumers: 1 to 64, written plainly ("8", not "08"). */
    public static boolean isConsumerCount(String value) {
        return value != null && CONSUMERS.matcher(value).matches() && Integer.parseInt(value) <= MAX_CONSUMERS;
    }

    /**
     * Where a route is defined, as {@code <file> line <n>: }, found by its {@code routeId:} or
     * {@code id:} in the route files the hub loads; empty when it cannot be found. Camel keeps no
     * location for templated routes, and an operator fixes a file, not a route id.
     */
    public static String routeLocation(org.apache.camel.CamelContext camel, String routeId) {
        Pattern line = Pattern.compile("^\\s*(?:-\\s*)?(?:id|routeId):\\s*[\"']?" + Pattern.quote(routeId) + "[\"']?\\s*(?:#.*)?$");
        var resolver = new PathMatchingResourcePatternResolver();
        for (String raw : camel.getPropertiesComponent().resolveProperty(ROUTES_PATTERN).orElse("").split(",")) {
            String pattern = raw.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            try {
                for (Resource file : resolver.getResources(pattern.contains(":") ? pattern : "classpath:" + pattern)) {
                    if (!file.isReadable()) {
                        continue;
                    }
                    String[] lines = file.getContentAsString(StandardCharsets.UTF_8).split("\\R", -1);
                    for (int i = 0; i < lines.length; i++) {
                        if (line.matcher(lines[i]).matches()) {
                            return describe(file) + " line " + (i + 1) + ": ";
                        }
                    }
                }
            } catch (IOException unreadable) {
                // not found there
            }
        }
        return "";
    }

    private static String describe(Resource file) {
        try {
            if (file.isFile()) {
                var path = file.getFile().toPath().toAbsolutePath().normalize();
                var cwd = java.nio.file.Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
                return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
            }
        } catch (IOException e) {
            // fall back to the description
        }
        return file.getDescription();
    }

    /** How the hub turns a slash command into a route name, mirrored for the suggestion. */
    private static final class SlackNames {
        static String commandName(String name) {
            return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
        }
    }
}
