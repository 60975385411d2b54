package io.chatopshub.system;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns a configuration mistake into the one line an operator needs (the key, or file and line,
 * and what is expected there) instead of Spring's generic binding report or a 60-frame stack
 * trace. Runs before Spring Boot's own analyzers; anything it does not recognise is left to them.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConfigurationFailureAnalyzer implements FailureAnalyzer {

    static final String ACTION = "Fix this setting and start the hub again (README.md, \"Troubleshooting\").";
    /** A value that is only a reference to another key, as application.yaml writes some Camel and Spring keys. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)(?::[^}]*)?}");

    private final Environment environment;

    /**
     * Spring Boot passes the application's environment when there is one; it is read only to
     * follow a placeholder back to the key the operator set.
     */
    public ConfigurationFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        String line = describe(failure, environment);
        return line == null ? null : new FailureAnalysis(line, ACTION, failure);
    }

    /** The one-line description, or null when the failure is not a configuration mistake. */
    static String describe(Throwable failure) {
        return describe(failure, null);
    }

    /**
     * The one-line description, or null when the failure is not a configuration mistake; with an
     * environment, a key whose value is a placeholder is reported as the key it refers to, with
     * that key's value and where it was set.
     */
    static String describe(Throwable failure, Environment environment) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidConfigurationException invalid) {
                return invalid.getMessage();
            }
        }
        BindException bind = find(failure, BindException.class);
        if (bind != null) {
            return bindError(bind, environment);
        }
        SdkClientException aws = find(failure, SdkClientException.class);
        if (aws != null && String.valueOf(aws.getMessage()).startsWith("Unable to load region") && fromAwsConfigImport(aws)) {
            return "spring.cloud.aws.region.static (AWS_REGION) is not set: the aws-secretsmanager: import of "
                    + "spring.config.import needs the AWS region of the secret";
        }
        return null;
    }

    /** Spring Cloud AWS resolving a {@code spring.config.import} location (Secrets Manager, Parameter Store). */
    private static boolean fromAwsConfigImport(Throwable failure) {
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().startsWith("io.awspring.cloud.autoconfigure.config.")) {
                return true;
            }
        }
        return false;
    }

    private static String bindError(BindException bind, Environment environment) {
        String key = bind.getName().toString();
        BindValidationException validation = find(bind, BindValidationException.class);
        if (validation != null && !validation.getValidationErrors().getAllErrors().isEmpty()) {
            ObjectError error = validation.getValidationErrors().getAllErrors().get(0);
            if (error instanceof FieldError field) {
                String dashed = DataObjectPropertyName.toDashedForm(field.getField());
                String name = dashed.startsWith(key) ? dashed : key + "." + dashed;
                return name + valueOf(name, field.getRejectedValue()) + ": " + field.getDefaultMessage();
            }
            return key + ": " + error.getDefaultMessage();
        }
        for (Throwable t = bind.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && String.valueOf(t.getMessage()).startsWith("chatops.")) {
                return t.getMessage();
            }
        }
        ConversionFailedException conversion = find(bind, ConversionFailedException.class);
        if (conversion != null) {
            Class<?> type = conversion.getTargetType().getType();
            Object value = bind.getProperty() == null ? conversion.getValue() : bind.getProperty().getValue();
            String origin = bind.getProperty() == null ? "" : originOf(bind.getProperty().getOrigin());
            ConfigurationProperty referred = referredTo(value, environment);
            if (referred != null) {
                key = referred.getName().toString();
                value = referred.getValue();
                origin = originOf(referred.getOrigin());
            }
            return key + valueOf(key, value) + origin + ": expected " + expected(type);
        }
        Throwable root = bind;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (key.startsWith("chatops")) {
            return key + ": " + Secrets.mask(String.valueOf(root.getMessage()));
        }
        return null;
    }

    /** How a value of {@code type} is written, in the words of the configuration file. */
    private static String expected(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
        if (type == Duration.class) {
            return "a duration such as 500ms, 30s, 5m or 24h";
        }
        if (type == DataSize.class) {
            return "a size such as 512KB or 1MB";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        return "a " + type.getSimpleName();
    }

    /**
     * The property a placeholder value such as {@code ${chatops.routes.reload:false}} refers to,
     * when it is set: the operator set that key, not the one the placeholder fills.
     */
    private static ConfigurationProperty referredTo(Object value, Environment environment) {
        if (!(environment instanceof ConfigurableEnvironment) || !(value instanceof String text)) {
            return null;
        }
        Matcher placeholder = PLACEHOLDER.matcher(text.strip());
        if (!placeholder.matches() || !ConfigurationPropertyName.isValid(placeholder.group(1))) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(placeholder.group(1));
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return property;
            }
        }
        return null;
    }

    private static String valueOf(String key, Object value) {
        if (value == null) {
            return " is not set";
        }
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.contains("secret") || lower.contains("token") || lower.contains("key") || lower.contains("password")) {
            return " (value hidden)";
        }
        return " is '" + value + "'";
    }

    private static String originOf(Origin origin) {
        if (origin == null) {
            return "";
        }
        String text = origin.toString();
        if (text.startsWith("System Environment Property \"")) {
            return " (from " + text.substring("System Environment Property \"".length()).replaceAll("\".*$", "") + ")";
        }
        return " (" + text + ")";
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
