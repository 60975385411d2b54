package io.chatopshub.slack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.chatopshub.system.InvalidSignatureException;

/**
 * Slack's v0 request signature: HMAC-SHA256 of {@code v0:<timestamp>:<raw body>} with the app's
 * signing secret. Compared in constant time, and the timestamp must lie within five minutes of
 * now in either direction, so neither an old capture nor a request dated in the future can be
 * replayed.
 */
public final class SlackSignatureVerifier {

    static final long MAX_SKEW_SECONDS = 300;

    private final SecretKeySpec key;
    private final Clock clock;

    public SlackSignatureVerifier(String signingSecret, Clock clock) {
        if (signingSecret == null || signingSecret.isBlank()) {
            throw new IllegalArgumentException("a signing secret is required");
        }
        this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = clock;
    }

    /** {@code v0=} followed by the lowercase hex HMAC of the base string. */
    public String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return "v0=" + HexFormat.of().formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * @throws InvalidSignatureException when a header is missing, the timestamp is not a number or
     *         is more than five minutes away from now, or the signature does not match
     */
    public void verify(String timestamp, String signature, byte[] body) {
        if (timestamp == null || timestamp.isBlank() || signature == null || signature.isBlank()) {
            throw new InvalidSignatureException("missing X-Slack-Request-Timestamp or X-Slack-Signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new InvalidSignatureException("X-Slack-Request-Timestamp is not a number");
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > MAX_SKEW_SECONDS) {
            throw new InvalidSignatureException("X-Slack-Request-Timestamp is more than 300 s away from now");
        }
        byte[] expected = sign(timestamp.trim(), body).getBytes(StandardCharsets.UTF_8);
        byte[] actual = signature.trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new InvalidSignatureException("X-Slack-Signature does not match the request");
        }
    }
}
