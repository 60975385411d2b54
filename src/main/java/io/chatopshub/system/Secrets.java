package io.chatopshub.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
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
    /**
     * Text that every match of {@link #TOKENS} contains, lower-cased: its literal prefixes, and the
     * keywords of its case-insensitive parts (which match ASCII letters only). Most log lines contain
     * none of them, and looking for them is far cheaper than running the expression on every line
     * (it was 7 % of the CPU of an acknowledgement, at two log lines per delivery).
     */
    private static final List<String> CLUES = List.of("xox", "glp", "hooks.slack.com/services/", "bearer",
            "key", "token", "secret", "password", "signature");

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
        if (text == null || text.isEmpty() || !mayHoldSecret(text)) {
            return text;
        }
        return maskAll(text);
    }

    /** False only when {@link #TOKENS} cannot match {@code text}. */
    static boolean mayHoldSecret(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String clue : CLUES) {
            if (lower.contains(clue)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #mask} without the look for clues first. */
    static String maskAll(String text) {
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
