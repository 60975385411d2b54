package io.chatopshub.automation;

import io.chatopshub.system.HttpUrls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the hub finds Azure Automation and which runbooks people may start from Slack.
 *
 * <p>Every check runs while binding, so a configuration that could never work (a runbook nobody
 * may run, two entries for one runbook) stops the hub at startup with a message naming the key,
 * rather than surfacing as a puzzling refusal in Slack later.
 *
 * @param tokenRenewBefore how long before the Entra ID token expires a fresh one is fetched, so
 *        a token never runs out in the middle of a call
 * @param trackingLimit how long a job is watched before the hub stops polling and says so, so a
 *        job stuck in Azure does not keep a poll going for ever
 */
@ConfigurationProperties("chatops.azure")
public record AzureProperties(
        @DefaultValue("https://login.microsoftonline.com") String loginUrl,
        @DefaultValue("https://management.azure.com") String managementUrl,
        @DefaultValue("2023-11-01") String apiVersion,
        String tenantId,
        String clientId,
        String clientSecret,
        String subscriptionId,
        String resourceGroup,
        String automationAccount,
        @DefaultValue("10s") Duration pollInterval,
        @DefaultValue("30m") Duration approvalTimeout,
        @DefaultValue("5m") Duration tokenRenewBefore,
        List<Runbook> runbooks,
        @DefaultValue("24h") Duration trackingLimit,
        List<String> secretParameters,
        String parameterKey) {

    private static final String PREFIX = "chatops.azure.";
    static final Duration DEFAULT_TRACKING_LIMIT = Duration.ofHours(24);

    @ConstructorBinding
    public AzureProperties {
        loginUrl = baseUrl("login-url", loginUrl);
        managementUrl = baseUrl("management-url", managementUrl);
        if (apiVersion == null || apiVersion.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "api-version must not be empty, e.g. 2023-11-01");
        }
        positive("poll-interval", pollInterval);
        positive("approval-timeout", approvalTimeout);
        positive("tracking-limit", trackingLimit);
        if (tokenRenewBefore == null || tokenRenewBefore.isNegative()) {
            throw new IllegalArgumentException(PREFIX + "token-renew-before must be zero or more, e.g. 5m");
        }
        runbooks = runbooks == null ? List.of() : List.copyOf(runbooks);
        secretParameters = secretParameters == null ? List.of()
                : secretParameters.stream().filter(n -> n != null && !n.isBlank()).map(String::strip).toList();
        parameterKey = parameterKey == null || parameterKey.isBlank() ? null : parameterKey.strip();
        if (parameterKey != null) {
            ParameterSecrets.decodeKey(parameterKey, PREFIX + "parameter-key");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < runbooks.size(); i++) {
            Runbook runbook = runbooks.get(i);
            String where = PREFIX + "runbooks[" + i + "]";
            if (runbook == null || runbook.name() == null || runbook.name().isBlank()) {
                throw new IllegalArgumentException(where + ".name must be the exact runbook name in Azure Automation");
            }
            runbook.validate(where);
            if (!seen.add(runbook.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(where + ": runbook '" + runbook.name()
                        + "' is configured twice; merge its channels and users into one entry");
            }
        }
    }

    /** Settings with the default tracking limit. */
    public AzureProperties(String loginUrl, String managementUrl, String apiVersion, String tenantId,
                           String clientId, String clientSecret, String subscriptionId, String resourceGroup,
                           String automationAccount, Duration pollInterval, Duration approvalTimeout,
                           Duration tokenRenewBefore, List<Runbook> runbooks) {
        this(loginUrl, managementUrl, apiVersion, tenantId, clientId, clientSecret, subscriptionId, resourceGroup,
                automationAccount, pollInterval, approvalTimeout, tokenRenewBefore, runbooks, DEFAULT_TRACKING_LIMIT,
                null, null);
    }

    /** Keeps the client secret out of anything that prints the configuration. */
    @Override
    public String toString() {
        return "AzureProperties[loginUrl=" + loginUrl + ", managementUrl=" + managementUrl
                + ", apiVersion=" + apiVersion + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=" + io.chatopshub.system.Secrets.presence(clientSecret)
                + ", subscriptionId=" + subscriptionId + ", resourceGroup=" + resourceGroup
                + ", automationAccount=" + automationAccount + ", pollInterval=" + pollInterval
                + ", approvalTimeout=" + approvalTimeout + ", tokenRenewBefore=" + tokenRenewBefore
                + ", trackingLimit=" + trackingLimit + ", runbooks=" + runbooks
                + ", secretParameters=" + secretParameters
                + ", parameterKey=" + io.chatopshub.system.Secrets.presence(parameterKey) + "]";
    }

    /** True when every value needed to call Azure is set; otherwise calls are only logged. */
    public boolean isConfigured() {
        return missing().isEmpty();
    }

    /** Names of the settings that keep the integration in dry-run mode. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        addIfBlank(missing, "tenant-id", tenantId);
        addIfBlank(missing, "client-id", clientId);
        addIfBlank(missing, "client-secret", clientSecret);
        addIfBlank(missing, "subscription-id", subscriptionId);
        addIfBlank(missing, "resource-group", resourceGroup);
        addIfBlank(missing, "automation-account", automationAccount);
        return missing;
    }

    /**
     * One runbook people may start from Slack.
     *
     * @param name exact runbook name in Azure Automation
     * @param channels Slack channel ids where it may be run
     * @param users Slack user ids allowed to run it; empty means anyone in those channels
     * @param approval whether a second person must press Approve before it starts
     * @param parameters the parameters shown in help and asked for by the form; when set, other names
     *        are refused. Absent means any parameter is passed on as given.
     */
    public record Runbook(String name, List<String> channels, List<String> users, boolean approval,
                          List<Parameter> parameters) {

        public Runbook {
            name = name == null ? null : name.strip();
            channels = channels == null ? List.of() : List.copyOf(channels);
            users = users == null ? List.of() : List.copyOf(users);
            parameters = parameters == null ? null : List.copyOf(parameters);
        }

        /** Whether parameter names are checked against {@link #parameters()}. */
        public boolean restrictsParameters() {
            return parameters != null;
        }

        /** The declared parameter names, empty when none are declared. */
        public List<String> parameterNames() {
            return parameters == null ? List.of() : parameters.stream().map(Parameter::name).toList();
        }

        /** The declared parameter called {@code name} (any case). */
        public java.util.Optional<Parameter> parameter(String name) {
            return parameters == null ? java.util.Optional.empty()
                    : parameters.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
        }

        void validate(String where) {
            String label = where + " (" + name + ")";
            if (channels.isEmpty()) {
                throw new IllegalArgumentException(label + ".channels must list at least one Slack channel id, "
                        + "otherwise nobody can run it");
            }
            for (int i = 0; i < channels.size(); i++) {
                if (channels.get(i) == null || channels.get(i).isBlank()) {
                    throw new IllegalArgumentException(label + ".channels[" + i + "] is blank; use a Slack channel id such as C0123456");
                }
            }
            for (int i = 0; i < users.size(); i++) {
                if (users.get(i) == null || users.get(i).isBlank()) {
                    throw new IllegalArgumentException(label + ".users[" + i + "] is blank; use a Slack user id such as U0123456");
                }
            }
            if (parameters != null) {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < parameters.size(); i++) {
                    Parameter parameter = parameters.get(i);
                    String at = label + ".parameters[" + i + "]";
                    if (parameter == null || parameter.name() == null
                            || !RunbookCommand.isValidParameterName(parameter.name())) {
                        throw new IllegalArgumentException(at + " '" + (parameter == null ? null : parameter.name())
                                + "' is not a parameter name (letters, digits and _ only)");
                    }
                    if (!names.add(parameter.name().toLowerCase(Locale.ROOT))) {
                        throw new IllegalArgumentException(at + " '" + parameter.name() + "' is declared twice");
                    }
                    if (!parameter.choices().isEmpty() && parameter.defaultValue() != null
                            && !parameter.choices().contains(parameter.defaultValue())) {
                        throw new IllegalArgumentException(at + ".default '" + parameter.defaultValue()
                                + "' is not one of its choices " + parameter.choices());
                    }
                }
            }
        }
    }

    /**
     * A parameter a runbook takes, as the form asks for it. A plain string in the configuration
     * ({@code parameters: [AppName]}) is a parameter with only a name, as before forms existed.
     *
     * @param name the runbook's parameter name, exactly as the runbook spells it
     * @param required whether a run is refused without a value (the form's field, or {@code name=value}
     *        in a typed {@code /runbook})
     * @param defaultValue the value the form starts with (key {@code default}); a typed command is
     *        not filled with it
     * @param choices when not empty, the only values allowed, typed or chosen; the form shows a select
     * @param secret whether the value is masked in Slack, the audit trail and logs, and sealed at rest
     */
    public record Parameter(String name, boolean required,
                            @org.springframework.boot.context.properties.bind.Name("default") String defaultValue,
                            List<String> choices, boolean secret) {

        public Parameter {
            name = name == null ? null : name.strip();
            defaultValue = defaultValue == null || defaultValue.isEmpty() ? null : defaultValue;
            choices = choices == null ? List.of() : List.copyOf(choices);
        }

        /** A parameter known only by name: what a plain string in the configuration means. */
        public static Parameter valueOf(String name) {
            return new Parameter(name, false, null, null, false);
        }
    }

    private static String baseUrl(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(PREFIX + key + " must be set to an http(s) base URL");
        }
        String trimmed = value.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + key + " '" + value + "' is not a URL");
        }
        if (!HttpUrls.isHttp(uri)) {
            throw new IllegalArgumentException(PREFIX + key + " '" + value + "' must be an http:// or https:// URL");
        }
        return trimmed;
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(PREFIX + key + " must be a positive duration, e.g. 10s");
        }
    }

    private static void addIfBlank(List<String> missing, String key, String value) {
        if (value == null || value.isBlank()) {
            missing.add(key);
        }
    }
}
