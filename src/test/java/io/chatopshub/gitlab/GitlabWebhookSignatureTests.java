package io.chatopshub.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.chatopshub.system.InvalidSignatureException;
import org.junit.jupiter.api.Test;

class GitlabWebhookSignatureTests {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String TOKEN = "whsec_" + Base64.getEncoder().encodeToString(KEY);
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final byte[] BODY = "{\"object_kind\":\"pipeline\"}".getBytes(StandardCharsets.UTF_8);

    private final GitlabWebhookSignature verifier = new GitlabWebhookSignature(TOKEN, Duration.ofMinutes(5),
            Clock.fixed(NOW, ZoneOffset.UTC));

    /** Computed here independently, the way a Standard Webhooks sender does: HMAC over id.timestamp.body. */
    static String standardWebhooksSignature(String id, long timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        mac.update(body);
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    }

    @Test
    void aDeliverySignedWithTheDecodedWhsecKeyIsAccepted() throws Exception {
        long ts = NOW.getEpochSecond();
        String signature = standardWebhooksSignature("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", ts, BODY);

        assertThatCode(() -> verifier.verify("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", String.valueOf(ts), signature, BODY))
                .doesNotThrowAnyException();
        assertThat(verifier.sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", String.valueOf(ts), BODY)).isEqualTo(signature);
    }

    @Test
    void oneMatchingSignatureAmongSeveralIsEnough() throws Exception {
        long ts = NOW.getEpochSecond();
        String header = "v1,bm90IGl0 " + standardWebhooksSignature("id-1", ts, BODY);

        assertThatCode(() -> verifier.verify("id-1", String.valueOf(ts), header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void aForgedSignatureOrAChangedBodyIsRefused() throws Exception {
        long ts = NOW.getEpochSecond();
        String signed = standardWebhooksSignature("id-1", ts, BODY);
        String otherKey = new GitlabWebhookSignature("whsec_" + Base64.getEncoder().encodeToString(
                "another key another key another!".getBytes(StandardCharsets.US_ASCII)), Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC)).sign("id-1", String.valueOf(ts), BODY);

        assertThatThrownBy(() -> verifier.verify("id-1", String.valueOf(ts), otherKey, BODY))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("does not match");
        assertThatThrownBy(() -> verifier.verify("id-1", String.valueOf(ts), signed,
                "{\"object_kind\":\"push\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> verifier.verify("id-2", String.valueOf(ts), signed, BODY))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void aStaleTimestampIsRefusedEvenWithAGoodSignature() throws Exception {
        long stale = NOW.minusSeconds(301).getEpochSecond();
        String signature = standardWebhooksSignature("id-1", stale, BODY);

        assertThatThrownBy(() -> verifier.verify("id-1", String.valueOf(stale), signature, BODY))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("300 s");
    }

    @Test
    void aTimestampInTheFutureIsRefusedEvenWithAGoodSignature() throws Exception {
        long future = NOW.plusSeconds(301).getEpochSecond();
        String signature = standardWebhooksSignature("id-1", future, BODY);

        assertThatThrownBy(() -> verifier.verify("id-1", String.valueOf(future), signature, BODY))
                .isInstanceOf(InvalidSignatureException.class);
        long edge = NOW.plusSeconds(300).getEpochSecond();
        String atEdge = standardWebhooksSignature("id-1", edge, BODY);
        assertThatCode(() -> verifier.verify("id-1", String.valueOf(edge), atEdge, BODY)).doesNotThrowAnyException();
    }

    @Test
    void missingHeadersOrATimestampThatIsNotANumberAreRefused() throws Exception {
        String signature = standardWebhooksSignature("id-1", NOW.getEpochSecond(), BODY);

        assertThatThrownBy(() -> verifier.verify(null, String.valueOf(NOW.getEpochSecond()), signature, BODY))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> verifier.verify("id-1", "", signature, BODY))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> verifier.verify("id-1", "yesterday", signature, BODY))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("not a number");
        assertThatThrownBy(() -> verifier.verify("id-1", String.valueOf(NOW.getEpochSecond()), " ", BODY))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void aWhsecTokenThatIsNotBase64FailsAtStartup() {
        assertThatThrownBy(() -> new GitlabWebhookSignature("whsec_not base64!", Duration.ofMinutes(5), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whsec_");
    }
}
