package io.chatopshub.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.chatopshub.system.InvalidSignatureException;

class SlackSignatureVerifierTests {

    // Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String TIMESTAMP = "1531420618";
    private static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
            + "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c").getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    @Test
    void slacksDocumentedExampleVerifiesWithTheClockAtThatTime() {
        var verifier = new SlackSignatureVerifier(SECRET, at(1531420618));
        assertThat(verifier.sign(TIMESTAMP, BODY)).isEqualTo(EXPECTED);
        assertThatNoException().isThrownBy(() -> verifier.verify(TIMESTAMP, EXPECTED, BODY));
    }

    @Test
    void slacksDocumentedExampleIsStaleWithTheRealClock() {
        var verifier = new SlackSignatureVerifier(SECRET, Clock.systemUTC());
        assertThatThrownBy(() -> verifier.verify(TIMESTAMP, EXPECTED, BODY))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("300 s");
    }

    @Test
    void timestampsMoreThanFiveMinutesAwayInEitherDirectionAreRefused() {
        long ts = 1531420618;
        assertThatThrownBy(() -> new SlackSignatureVerifier(SECRET, at(ts + 301)).verify(TIMESTAMP, EXPECTED, BODY))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> new SlackSignatureVerifier(SECRET, at(ts - 301)).verify(TIMESTAMP, EXPECTED, BODY))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatNoException().isThrownBy(() -> new SlackSignatureVerifier(SECRET, at(ts + 300)).verify(TIMESTAMP, EXPECTED, BODY));
        assertThatNoException().isThrownBy(() -> new SlackSignatureVerifier(SECRET, at(ts - 300)).verify(TIMESTAMP, EXPECTED, BODY));
    }

    @Test
    void aChangedByteOrAnotherSecretOrAMissingHeaderIsRefused() {
        var verifier = new SlackSignatureVerifier(SECRET, at(1531420618));
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 1] = 'd';
        assertThatThrownBy(() -> verifier.verify(TIMESTAMP, EXPECTED, tampered)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> new SlackSignatureVerifier("other", at(1531420618)).verify(TIMESTAMP, EXPECTED, BODY))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> verifier.verify(null, EXPECTED, BODY)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> verifier.verify(TIMESTAMP, "", BODY)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> verifier.verify("12ab", EXPECTED, BODY)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> verifier.verify(TIMESTAMP, EXPECTED.toUpperCase(), BODY)).isInstanceOf(InvalidSignatureException.class);
    }
}
