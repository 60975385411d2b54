package io.chatopshub.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/** Constant-time comparison and masking of secrets for logs and answers. */
public final class Secrets {

    private static final Pattern TOKENS = Pattern.compile(
            "(xox[abposr]-)[0-9A-Za-z-]+"
                    + "|(glptt-|glpat-)[0-9A-Za-z_-]+"
                    + "|(?i)((?:api[_-]?key|token|client_secret|secret|password|signature|access_token)=)[^&\\s\"']+"
                    + "|(?i)(\"(?:api[_-]?key|token|client_secret|secret|password|access_token|trigger[_-]?token)\"\\s*:\\s*\")[^\"]+"
                    + "|(?i)(bearer\\s+)[0-9A-Za-z._~+/=-]+"
                    + "|(hooks\\.slack\\.com/services/)[0-9A-Za-z/]+");

    private Secrets() {
    }

    /** True when both are non-null and equal; the time taken does not depend on where they differ. */
    public static boolean constantTimeEquals(String expected, String actual) {
        if (expected == null || actual == null || expected.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces every token-looking part of {@code text} (Slack tokens, apiKey=…, Bearer …) with {@code ***}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        var m = TOKENS.matcher(text);
        var out = new StringBuilder(text.length());
        while (m.find()) {
            String keep = null;
            for (int g = 1; g <= m.groupCount() && keep == null; g++) {
                keep = m.group(g);
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement((keep == null ? "" : keep) + "***"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** "set" or "not set", for startup lines that must not show the value. */
    public static String presence(String secret) {
        return secret == null || secret.isBlank() ? "not set" : "set";
    }
}
