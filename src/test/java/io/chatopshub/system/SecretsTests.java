package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@link Secrets#mask} looks for clues before it runs its expression; it must never skip a line the expression would mask. */
class SecretsTests {

    /** One of each kind the expression masks, written as code and people write them. */
    private static final List<String> SECRETS = List.of(
            "posting with xoxb-123-abc", "socket xapp and xoxp-9-z", "glpat-AbC_123", "trigger glptt-xyz",
            "GET /x?apiKey=abc123&page=1", "api_key=zzz", "api-key=zzz", "token=abc", "client_secret=s",
            "secret=s", "password=p", "signature=v0%3Dabc", "access_token=t",
            "{\"token\":\"abc\"}", "{\"trigger_token\" : \"abc\"}", "{\"api-key\":\"k\"}", "{\"password\": \"p\"}",
            "Authorization: Bearer abc.def", "bearer   xyz", "https://hooks.slack.com/services/T0/B0/xyz");

    private static final List<String> PLAIN = List.of(
            "delivery route=slack-receive-events delivery_id=slack:event:Ev0A1 outcome=accepted latency_ms=3 status=200",
            "delivery route=slack-handle-events delivery_id=slack:event:Ev0A1 outcome=done latency_ms=1 attempt=1",
            "Embedded state store at data/state/state.mv.db (12 entries)", "", "é ü 日本語 ✓");

    @Test
    void everyWayOfWritingASecretIsMaskedAsTheExpressionMasksIt() {
        for (String secret : SECRETS) {
            assertThat(Secrets.mask(secret)).as(secret).contains("***");
        }
        // in any case: the expression's Slack and GitLab prefixes are case-sensitive (XOXB- is no token), the rest is not
        for (String secret : variants(SECRETS)) {
            for (String line : List.of(secret, "before " + secret + " after", "x=1 " + secret)) {
                assertThat(Secrets.mask(line)).as(line).isEqualTo(Secrets.maskAll(line));
            }
        }
    }

    @Test
    void linesWithoutASecretAreLeftAsTheyAre() {
        for (String line : variants(PLAIN)) {
            assertThat(Secrets.mask(line)).as(line).isSameAs(line).isEqualTo(Secrets.maskAll(line));
        }
        assertThat(Secrets.mask(null)).isNull();
    }

    @Test
    void whatIsKeptIsThePrefixAndWhatIsHiddenIsTheValue() {
        assertThat(Secrets.mask("POST with Bearer abc.def and apiKey=s3cr3t&x=1 to https://hooks.slack.com/services/T0/B0/q"))
                .isEqualTo("POST with Bearer *** and apiKey=***&x=1 to https://hooks.slack.com/services/***");
        assertThat(Secrets.mask("{\"TOKEN\":\"abc\",\"user\":\"U1\"}")).isEqualTo("{\"TOKEN\":\"***\",\"user\":\"U1\"}");
    }

    /** Each text as written, in lower case, in upper case, and with every other letter in upper case. */
    private static List<String> variants(List<String> texts) {
        List<String> all = new ArrayList<>();
        for (String text : texts) {
            all.add(text);
            all.add(text.toLowerCase(Locale.ROOT));
            all.add(text.toUpperCase(Locale.ROOT));
            StringBuilder mixed = new StringBuilder(text);
            for (int i = 0; i < mixed.length(); i += 2) {
                mixed.setCharAt(i, Character.toUpperCase(mixed.charAt(i)));
            }
            all.add(mixed.toString());
        }
        return all;
    }
}
