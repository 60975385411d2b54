package io.chatopshub.system;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.ConversionFailedException;
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

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        String line = describe(failure);
        return line == null ? null : new FailureAnalysis(line, ACTION, failure);
    }

    /** The one-line description, or null when the failure is not a configuration mistake. */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidConfigurationException invalid) {
                return invalid.getMessage();
            }
        }
        BindException bind = find(failure, BindException.class);
        if (bind != null) {
            return bindError(bind);
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

    private static String bindError(BindException bind) {
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
            String expected = type.isEnum()
                    ? "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", "))
                    : "a " + type.getSimpleName();
            return key + valueOf(key, value) + origin + ": expected " + expected;
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
