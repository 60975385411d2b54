package io.chatopshub.slack;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The one place where text from outside (user text, alert and host names, URLs, CI job fields)
 * becomes Slack mrkdwn. Slack treats only {@code &}, {@code <} and {@code >} as control
 * characters; escaping them is enough to stop {@code <!channel>}, forged links and user
 * mentions. Links are built only from http(s) URLs, so a {@code javascript:} or {@code slack://}
 * URL from a webhook is shown as text, never as a link.
 */
public final class Mrkdwn {

    /** What a client that cannot format a date shows instead, to the minute. */
    private static final DateTimeFormatter FALLBACK_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Mrkdwn() {
    }

    /**
     * A moment Slack shows in each reader's own time zone ({@code <!date^…>}: "Yesterday 14:05"),
     * with the UTC minute as the fallback text.
     */
    public static String date(Instant instant) {
        return "<!date^" + instant.getEpochSecond() + "^{date_short_pretty} {time}|" + FALLBACK_TIME.format(instant) + ">";
    }

    /** {@code text} with Slack's three control characters escaped; null becomes empty. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Inline code that cannot be broken out of by a backtick in the value. */
    public static String code(String text) {
        return "`" + escape(text).replace("`", "'") + "`";
    }

    /**
     * A link {@code <url|label>} when {@code url} is an http(s) URL, else the escaped label alone.
     * The characters that would end the link early ({@code |}, {@code >}, {@code <}) and spaces
     * are percent-encoded in the URL; a {@code |} in the label is replaced.
     */
    public static String link(String url, String label) {
        if (!isWebUrl(url)) {
            return escape(label);
        }
        return "<" + url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
                .replace("&", "&amp;") + "|" + escape(label).replace("|", "¦") + ">";
    }

    /** Whether {@code url} may be shown as a link: http or https, nothing else. */
    public static boolean isWebUrl(String url) {
        if (url == null) {
            return false;
        }
        String lower = url.strip().toLowerCase(Locale.ROOT);
        return (lower.startsWith("https://") || lower.startsWith("http://")) && lower.indexOf('\n') < 0;
    }

    /** The reverse of {@link #escape}: Slack sends typed text with these three escaped. */
    public static String unescape(String text) {
        return text == null ? null : text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
