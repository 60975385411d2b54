package io.chatopshub.automation;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Hides values whose parameter name looks like a credential, for Slack messages and the audit
 * file: people pass passwords to runbooks more often than they should, and neither place is
 * meant to keep them. Values sealed by {@link ParameterSecrets} (declared secret, or listed in
 * {@code chatops.azure.secret-parameters}) are masked whatever their name.
 */
final class ParameterMasking {

    static final String MASK = "***";

    private ParameterMasking() {
    }

    static boolean looksSecret(String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("token")
                || lower.contains("key");
    }

    static Map<String, String> mask(Map<String, String> parameters) {
        Map<String, String> masked = new LinkedHashMap<>();
        parameters.forEach((name, value) -> masked.put(name,
                looksSecret(name) || ParameterSecrets.isSealed(value) ? MASK : value));
        return masked;
    }
}
