package io.chatopshub.automation;

/** Slack mrkdwn needs only these three escaped; anything typed by a person goes through here. */
final class Mrkdwn {

    private Mrkdwn() {
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Inline code that cannot be broken out of by a backtick in the value. */
    static String code(String text) {
        return "`" + escape(text).replace("`", "'") + "`";
    }
}
