package io.chatopshub.gitlab;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.chatopshub.system.InvalidSignatureException;

/**
 * GitLab's signed webhooks, which follow the Standard Webhooks format: {@code webhook-signature}
 * holds one or more space-separated {@code v1,<base64 HMAC-SHA256>} of
 * {@code "{webhook-id}.{webhook-timestamp}.{raw body}"}. Unlike {@code X-Gitlab-Token}, the secret
 * never travels with the request, and the signed timestamp stops a captured delivery from being
 * replayed later.
 *
 * <p>GitLab issues the signing token as {@code whsec_<base64 of 32 bytes>}; the HMAC key is those
 * decoded bytes, as in the Standard Webhooks libraries GitLab's own receiver example uses. A token
 * without the prefix is taken as base64 too, and as plain UTF-8 bytes when it is not base64, so a
 * token pasted without {@code whsec_} still works.
 *
 * <p>The timestamp must lie within the window in both directions: a delivery dated in the future
 * is as suspicious as an old one. Signatures are compared in constant time.
 */
public final class GitlabWebhookSignature {

    static final String PREFIX = "whsec_";
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    private final SecretKeySpec key;
    private final Duration window;
    private final Clock clock;

    public GitlabWebhookSignature(String signingToken, Duration window, Clock clock) {
        if (signingToken == null || signingToken.isBlank()) {
            throw new IllegalArgumentException("a webhook signing token is required");
        }
        this.key = new SecretKeySpec(keyBytes(signingToken.strip()), "HmacSHA256");
        this.window = window;
        this.clock = clock;
    }

    /** True when the request carries any of the signing headers, so it is meant to be checked this way. */
    public static boolean isSigned(String webhookId, String timestamp, String signature) {
        return notBlank(webhookId) || notBlank(timestamp) || notBlank(signature);
    }

    /** {@code v1,<base64>} for the given id, timestamp and body: what GitLab sends. */
    public String sign(String webhookId, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * @throws InvalidSignatureException a header is missing, the timestamp is not a number or
     *         lies outside the window, or no {@code v1} signature matches the body
     */
    public void verify(String webhookId, String timestamp, String signatureHeader, byte[] body) {
        if (!notBlank(webhookId) || !notBlank(timestamp) || !notBlank(signatureHeader)) {
            throw new InvalidSignatureException("missing webhook-id, webhook-timestamp or webhook-signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new InvalidSignatureException("webhook-timestamp is not a number");
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > window.toSeconds()) {
            throw new InvalidSignatureException("webhook-timestamp is more than " + window.toSeconds()
                    + " s away from now");
        }
        byte[] expected = sign(webhookId.strip(), timestamp.strip(), body == null ? new byte[0] : body)
                .getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (String candidate : signatureHeader.strip().split("\\s+")) {
            // every candidate is compared, so the time taken does not tell which one matched
            matched |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
        }
        if (!matched) {
            throw new InvalidSignatureException("webhook-signature does not match the request");
        }
    }

    private static byte[] keyBytes(String token) {
        String encoded = token.startsWith(PREFIX) ? token.substring(PREFIX.length()) : token;
        try {
            byte[] decoded = Base64.getDecoder().decode(encoded);
            if (decoded.length > 0) {
                return decoded;
            }
        } catch (IllegalArgumentException notBase64) {
            if (token.startsWith(PREFIX)) {
                throw new IllegalArgumentException("chatops.gitlab.webhook-signing-token must be whsec_ followed by"
                        + " base64, as GitLab shows it");
            }
        }
        return token.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
