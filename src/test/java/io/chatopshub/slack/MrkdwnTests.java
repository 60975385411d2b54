package io.chatopshub.slack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MrkdwnTests {

    @Test
    void controlCharactersAreEscapedSoAChannelPingStaysText() {
        assertThat(Mrkdwn.escape("deploy |x><!channel> & more")).isEqualTo("deploy |x&gt;&lt;!channel&gt; &amp; more");
        assertThat(Mrkdwn.escape(null)).isEmpty();
    }

    @Test
    void linksAreBuiltFromWebUrlsOnlyAndCannotBeClosedEarly() {
        assertThat(Mrkdwn.link("https://ci.example/job/1|x><!channel>", "job"))
                .isEqualTo("<https://ci.example/job/1%7Cx%3E%3C!channel%3E|job>");
        assertThat(Mrkdwn.link("javascript:alert(1)", "<b>job</b>")).isEqualTo("&lt;b&gt;job&lt;/b&gt;");
        assertThat(Mrkdwn.link("slack://channel?id=C1", "x")).isEqualTo("x");
        assertThat(Mrkdwn.link("HTTPS://example.com/a b", "a|b")).isEqualTo("<HTTPS://example.com/a%20b|a¦b>");
    }

    @Test
    void inlineCodeCannotBeBrokenOutOfWithABacktick() {
        assertThat(Mrkdwn.code("a`b<c>")).isEqualTo("`a'b&lt;c&gt;`");
    }

    @Test
    void unescapeReversesSlacksEscaping() {
        assertThat(Mrkdwn.unescape("a &lt;b&gt; &amp;amp;")).isEqualTo("a <b> &amp;");
    }
}
