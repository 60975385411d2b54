package io.chatopshub.automation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.system.PermanentFailureException;

/**
 * Keeps secret runbook parameters out of everything the hub writes down. A request travels from
 * the slash command (or the form) through the broker journal, the state store and perhaps the
 * dead-letter queue before the job starts, so a secret value is sealed (AES-GCM, the parameter
 * name as associated data) as soon as the request is decided, and opened only to build the
 * Azure PUT.
 *
 * <p>The key comes from {@code chatops.azure.parameter-key}. Without it the hub draws a key
 * that lives only in this process: nothing secret is ever on disk, at the price that a run
 * still queued when the hub restarts (or taken by another instance) cannot open its secrets;
 * that run is refused and its requester told, rather than started without them.
 */
public final class ParameterSecrets {

    static final String SEALED_PREFIX = "sealed:v1:";
    private static final Logger LOG = LoggerFactory.getLogger(ParameterSecrets.class);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private final boolean configured;
    private final Set<String> secretNames;

    ParameterSecrets(AzureProperties properties) {
        this.configured = properties.parameterKey() != null;
        this.key = configured ? decodeKey(properties.parameterKey(), "chatops.azure.parameter-key") : randomKey();
        this.secretNames = properties.secretParameters().stream().map(n -> n.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether the key comes from configuration (shared and durable) rather than this process. */
    boolean keyConfigured() {
        return configured;
    }

    /**
     * Whether {@code name} is secret for {@code runbook} (which may be null): declared
     * {@code secret: true}, listed in {@code chatops.azure.secret-parameters}, or named like a
     * credential.
     */
    boolean isSecret(Runbook runbook, String name) {
        if (name == null) {
            return false;
        }
        if (runbook != null && runbook.parameter(name).map(AzureProperties.Parameter::secret).orElse(false)) {
            return true;
        }
        return secretNames.contains(name.toLowerCase(Locale.ROOT)) || ParameterMasking.looksSecret(name);
    }

    /** The parameters with every secret value sealed; others unchanged, order kept. */
    Map<String, String> seal(Runbook runbook, Map<String, String> parameters) {
        Map<String, String> sealed = new LinkedHashMap<>();
        (parameters == null ? Map.<String, String>of() : parameters).forEach((name, value) ->
                sealed.put(name, value != null && isSecret(runbook, name) && !isSealed(value) ? seal(name, value) : value));
        return sealed;
    }

    /**
     * The parameters as the runbook must receive them.
     *
     * @throws PermanentFailureException {@code secret_unreadable} when a value was sealed with
     *         another key (the hub restarted without {@code chatops.azure.parameter-key})
     */
    Map<String, String> reveal(Map<String, String> parameters) {
        Map<String, String> open = new LinkedHashMap<>();
        (parameters == null ? Map.<String, String>of() : parameters).forEach((name, value) ->
                open.put(name, isSealed(value) ? open(name, value) : value));
        return open;
    }

    static boolean isSealed(String value) {
        return value != null && value.startsWith(SEALED_PREFIX);
    }

    private String seal(String name, String value) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return SEALED_PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal parameter " + name + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private String open(String name, String value) {
        try {
            byte[] in = Base64.getDecoder().decode(value.substring(SEALED_PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            LOG.warn("secret parameter {} cannot be opened with this hub's key ({})", name, e.getClass().getSimpleName());
            throw new PermanentFailureException("secret_unreadable", "the secret parameter " + name
                    + " was sealed with another key: the hub restarted, or another instance took the run, and "
                    + "chatops.azure.parameter-key is not set");
        }
    }

    static SecretKey decodeKey(String base64, String property) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " must be base64, e.g. the output of `openssl rand -base64 32`");
        }
        if (!List.of(16, 24, 32).contains(bytes.length)) {
            throw new IllegalArgumentException(property + " must be 16, 24 or 32 bytes once base64-decoded (it is "
                    + bytes.length + "), e.g. the output of `openssl rand -base64 32`");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static SecretKey randomKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new SecretKeySpec(bytes, "AES");
    }
}
