package io.chatopshub.cloudwatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.InvalidSignatureException;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnsMessageVerifierTests {

    static final String TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:chatops-alarms";
    static final String CERT_PATH = "/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
    static SnsTestSigner signer;

    private final WireMockServer sns = new WireMockServer(options().dynamicPort());
    private SnsMessageVerifier verifier;
    private String certUrl;

    @BeforeAll
    static void keys() {
        signer = SnsTestSigner.create();
    }

    @BeforeEach
    void start() {
        sns.start();
        certUrl = sns.baseUrl() + CERT_PATH;
        sns.stubFor(get(urlPathEqualTo(CERT_PATH)).willReturn(aResponse().withStatus(200).withBody(signer.pem)));
        verifier = verifierFor(sns.baseUrl(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        sns.stop();
    }

    private static SnsMessageVerifier verifierFor(String baseUrl, Clock clock) {
        return new SnsMessageVerifier(new CloudwatchProperties(List.of(TOPIC), "^" + Pattern.quote(baseUrl + "/"),
                Duration.ofHours(1)), clock);
    }

    static String alarm(String file) {
        try (InputStream in = SnsMessageVerifierTests.class.getResourceAsStream("/cloudwatch/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> notification(String message) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "Notification");
        fields.put("MessageId", "0f6c7c1e-5d2b-5b4f-9a43-3e1c2f0b9d11");
        fields.put("TopicArn", TOPIC);
        fields.put("Subject", "ALARM: \"api-5xx-high\" in Asia Pacific (Tokyo)");
        fields.put("Message", message);
        fields.put("Timestamp", Instant.now().minusSeconds(2).toString());
        return fields;
    }

    private Map<String, String> confirmation(String type) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", type);
        fields.put("MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b");
        fields.put("Token", "2336412f37fb687f5d51e6e2425dacbba9d1b3b1");
        fields.put("TopicArn", TOPIC);
        fields.put("Message", "You have chosen to subscribe to the topic " + TOPIC
                + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
        fields.put("SubscribeURL", sns.baseUrl() + "/?Action=ConfirmSubscription&TopicArn=" + TOPIC
                + "&Token=2336412f37fb687f5d51e6e2425dacbba9d1b3b1");
        fields.put("Timestamp", Instant.now().minusSeconds(2).toString());
        return fields;
    }

    private Map<String, String> signedNotification(String version) {
        return signer.signed(notification(alarm("alarm-alarm.json")), version, certUrl);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void signedNotificationIsAccepted(String version) {
        SnsMessage message = verifier.verify(SnsTestSigner.json(signedNotification(version)), null);

        assertThat(message.isNotification()).isTrue();
        assertThat(message.topicArn()).isEqualTo(TOPIC);
        assertThat(message.message()).isEqualTo(alarm("alarm-alarm.json"));
        assertThat(message.dedupKey()).isEqualTo("sns:0f6c7c1e-5d2b-5b4f-9a43-3e1c2f0b9d11");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void notificationWithoutSubjectIsAccepted(String version) {
        Map<String, String> fields = notification("plain text\nwith a second line and ünïcödé");
        fields.remove("Subject");

        assertThat(verifier.verify(SnsTestSigner.json(signer.signed(fields, version, certUrl)), "false").subject()).isNull();
    }

    @Test
    void nullSubjectCountsAsAbsent() {
        Map<String, String> fields = notification("hello");
        fields.put("Subject", null);

        assertThat(verifier.verify(SnsTestSigner.json(signer.signed(fields, "2", certUrl)), null).message()).isEqualTo("hello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void subscriptionConfirmationIsAcceptedAndConfirmedByGettingItsUrl(String version) {
        sns.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withStatus(200).withBody(
                "<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ConfirmSubscriptionResult>"
                        + "<SubscriptionArn>" + TOPIC + ":1b2c3d4e</SubscriptionArn></ConfirmSubscriptionResult>"
                        + "</ConfirmSubscriptionResponse>")));

        SnsMessage message = verifier.verify(SnsTestSigner.json(signer.signed(confirmation("SubscriptionConfirmation"),
                version, certUrl)), null);

        assertThat(message.isSubscriptionConfirmation()).isTrue();
        assertThat(verifier.confirmSubscription(message)).contains(TOPIC + ":1b2c3d4e");
        sns.verify(1, getRequestedFor(urlPathEqualTo("/"))
                .withQueryParam("Action", equalTo("ConfirmSubscription"))
                .withQueryParam("TopicArn", equalTo(TOPIC))
                .withQueryParam("Token", equalTo("2336412f37fb687f5d51e6e2425dacbba9d1b3b1")));
    }

    @Test
    void unsubscribeConfirmationIsVerifiedToo() {
        SnsMessage message = verifier.verify(SnsTestSigner.json(signer.signed(confirmation("UnsubscribeConfirmation"),
                "2", certUrl)), null);

        assertThat(message.type()).isEqualTo("UnsubscribeConfirmation");
    }

    @Test
    void confirmationSignedAsNotificationIsRefused() {
        Map<String, String> fields = confirmation("SubscriptionConfirmation");
        Map<String, String> signed = new LinkedHashMap<>(fields);
        signed.put("Type", "Notification");
        String signature = SnsTestSigner.sign(signer.key, "2", SnsTestSigner.stringToSign(signed));
        fields.put("SignatureVersion", "2");
        fields.put("Signature", signature);
        fields.put("SigningCertURL", certUrl);

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void forgedSignatureIsRefused() {
        Map<String, String> fields = notification(alarm("alarm-alarm.json"));
        fields.put("SignatureVersion", "2");
        fields.put("Signature", SnsTestSigner.sign(SnsTestSigner.strangerKey(), "2", SnsTestSigner.stringToSign(fields)));
        fields.put("SigningCertURL", certUrl);

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Message", "MessageId", "Timestamp", "Subject"})
    void tamperedFieldIsRefused(String field) {
        Map<String, String> fields = signedNotification("1");
        // a timestamp stays a well-formed, fresh instant, so only the signature can tell
        fields.put(field, field.equals("Timestamp") ? Instant.parse(fields.get(field)).minusSeconds(1).toString()
                : fields.get(field) + " ");

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void removedSubjectIsRefused() {
        Map<String, String> fields = signedNotification("2");
        fields.remove("Subject");

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void versionSwappedAfterSigningIsRefused() {
        Map<String, String> fields = signedNotification("1");
        fields.put("SignatureVersion", "2");

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void topicNotAllowedIsRefusedBeforeAnyCertificateFetch() {
        Map<String, String> fields = notification(alarm("alarm-alarm.json"));
        fields.put("TopicArn", "arn:aws:sns:ap-northeast-1:123456789012:someone-elses-topic");

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(signer.signed(fields, "2", certUrl)), null))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("topic");
        sns.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://evil.example/x.pem",
        "https://sns.us-east-1.amazonaws.com.evil.com/x.pem",
        "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
        "https://s3.amazonaws.com/bucket/SimpleNotificationService-x.pem",
        "https://my-bucket.s3.amazonaws.com/SimpleNotificationService-x.pem",
        "https://sns.us-east-1.amazonaws.com@evil.example/x.pem",
        "https://sns.us-east-1.amazonaws.com:8443@evil.example/x.pem",
        "https://sns.us-east-1.amazonaws.com/x.txt",
        "https://sns.us-east-1.amazonaws.com/x.pem?.pem",
        "https://evil.example/?https://sns.us-east-1.amazonaws.com/x.pem",
        ""
    })
    void certificateUrlOutsideTheDefaultPatternIsRefusedWithoutFetching(String url) {
        var production = new SnsMessageVerifier(new CloudwatchProperties(List.of(TOPIC), null, null), Clock.systemUTC());
        String body = SnsTestSigner.json(signer.signed(notification("hello"), "2", url));

        assertThatThrownBy(() -> production.verify(body, null)).isInstanceOf(InvalidSignatureException.class)
                .hasMessageContaining("SigningCertURL");
    }

    @Test
    void certificateUrlOnTheAllowedHostButNotPemIsNotFetched() {
        sns.stubFor(get(urlPathEqualTo("/cert.txt")).willReturn(aResponse().withBody(signer.pem)));
        String body = SnsTestSigner.json(signer.signed(notification("hello"), "2", sns.baseUrl() + "/cert.txt"));

        assertThatThrownBy(() -> verifier.verify(body, null)).isInstanceOf(InvalidSignatureException.class);
        sns.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void redirectFromTheCertificateUrlIsNotFollowed() {
        sns.stubFor(get(urlPathEqualTo("/moved.pem")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", sns.baseUrl() + CERT_PATH)));
        String body = SnsTestSigner.json(signer.signed(notification("hello"), "2", sns.baseUrl() + "/moved.pem"));

        assertThatThrownBy(() -> verifier.verify(body, null)).isInstanceOf(InvalidSignatureException.class);
        sns.verify(0, getRequestedFor(urlPathEqualTo(CERT_PATH)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "0", "", "SHA256"})
    void unknownSignatureVersionIsRefused(String version) {
        Map<String, String> fields = signedNotification("2");
        fields.put("SignatureVersion", version);

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("SignatureVersion");
    }

    @Test
    void unsignedMessageIsRefused() {
        Map<String, String> fields = signedNotification("2");
        fields.remove("Signature");
        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class);

        fields.remove("SignatureVersion");
        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void signatureThatIsNotBase64IsRefused() {
        Map<String, String> fields = signedNotification("2");
        fields.put("Signature", "***not base64***");

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void rawDeliveryIsRefusedEvenWhenTheBodyIsSigned() {
        String body = SnsTestSigner.json(signedNotification("2"));

        assertThatThrownBy(() -> verifier.verify(body, "true")).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("raw message delivery");
        assertThatThrownBy(() -> verifier.verify(alarm("alarm-alarm.json"), "True")).isInstanceOf(BadRequestException.class);
    }

    @Test
    void malformedBodiesAreBadRequests() {
        assertThatThrownBy(() -> verifier.verify("{not json", null)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> verifier.verify("[]", null)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> verifier.verify("{\"Type\":\"Surprise\"}", null)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> verifier.verify(alarm("alarm-alarm.json"), null)).isInstanceOf(BadRequestException.class);
        Map<String, String> fields = signedNotification("2");
        fields.remove("MessageId");
        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(fields), null)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> verifier.verify("{\"Type\":\"Notification\",\"Message\":{\"a\":1}}", null))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void certificateIsFetchedOnceThenCached() {
        verifier.verify(SnsTestSigner.json(signedNotification("1")), null);
        verifier.verify(SnsTestSigner.json(signedNotification("2")), null);

        sns.verify(1, getRequestedFor(urlPathEqualTo(CERT_PATH)));
    }

    @Test
    void certificateServerErrorIsTransient() {
        sns.stubFor(get(urlPathEqualTo(CERT_PATH)).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(signedNotification("2")), null))
                .isInstanceOf(TransientFailureException.class);
    }

    @Test
    void missingOrGarbledCertificateIsRefused() {
        sns.stubFor(get(urlPathEqualTo(CERT_PATH)).willReturn(aResponse().withStatus(404)));
        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(signedNotification("2")), null))
                .isInstanceOf(InvalidSignatureException.class);

        sns.stubFor(get(urlPathEqualTo(CERT_PATH)).willReturn(aResponse().withBody("-----BEGIN CERTIFICATE-----\nAAAA\n")));
        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(signedNotification("2")), null))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void expiredCertificateIsRefused() {
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(60));
        Map<String, String> fields = notification(alarm("alarm-alarm.json"));
        fields.put("Timestamp", later.instant().toString());

        assertThatThrownBy(() -> verifierFor(sns.baseUrl(), later).verify(SnsTestSigner.json(signer.signed(fields, "2", certUrl)), null))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("expired");
    }

    @Test
    void messageSignedLongerAgoThanTheMaximumAgeIsRefusedWithoutFetchingTheCertificate() {
        Map<String, String> fields = notification(alarm("alarm-alarm.json"));
        fields.put("Timestamp", Instant.now().minus(Duration.ofHours(1)).minusSeconds(5).toString());

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(signer.signed(fields, "2", certUrl)), null))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("older than chatops.cloudwatch.max-message-age");
        sns.verify(0, getRequestedFor(urlPathEqualTo(CERT_PATH)));
    }

    @Test
    void messageFrom2024IsRefusedThoughItsSignatureIsGood() {
        Map<String, String> fields = notification(alarm("alarm-alarm.json"));
        fields.put("Timestamp", "2024-05-01T10:00:13.456Z");

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(signer.signed(fields, "2", certUrl)), null))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("2024-05-01T10:00:13.456Z");
    }

    @Test
    void maximumAgeIsConfigurable() {
        Map<String, String> fields = notification(alarm("alarm-alarm.json"));
        fields.put("Timestamp", Instant.now().minus(Duration.ofMinutes(90)).toString());
        String body = SnsTestSigner.json(signer.signed(fields, "2", certUrl));
        var patient = new SnsMessageVerifier(new CloudwatchProperties(List.of(TOPIC), "^" + Pattern.quote(sns.baseUrl() + "/"),
                Duration.ofHours(2)), Clock.systemUTC());

        assertThat(patient.verify(body, null).topicArn()).isEqualTo(TOPIC);
        assertThatThrownBy(() -> verifier.verify(body, null)).isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void messageFromTheFutureIsRefused() {
        Map<String, String> fields = notification(alarm("alarm-alarm.json"));
        fields.put("Timestamp", Instant.now().plus(Duration.ofMinutes(10)).toString());

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(signer.signed(fields, "2", certUrl)), null))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("future");
    }

    @Test
    void timestampThatIsNotAnInstantIsABadRequest() {
        Map<String, String> fields = notification(alarm("alarm-alarm.json"));
        fields.put("Timestamp", "yesterday");

        assertThatThrownBy(() -> verifier.verify(SnsTestSigner.json(signer.signed(fields, "2", certUrl)), null))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("Timestamp");
    }

    @Test
    void certificateIssuedToAnotherNameIsRefusedThoughItSignedTheMessage() {
        SnsTestSigner impostor = SnsTestSigner.create("CN=sns.example.com");
        sns.stubFor(get(urlPathEqualTo("/impostor.pem")).willReturn(aResponse().withStatus(200).withBody(impostor.pem)));
        String body = SnsTestSigner.json(impostor.signed(notification(alarm("alarm-alarm.json")), "2",
                sns.baseUrl() + "/impostor.pem"));

        assertThatThrownBy(() -> verifier.verify(body, null))
                .isInstanceOf(InvalidSignatureException.class).hasMessageContaining("not issued to sns.amazonaws.com");
    }

    @Test
    void certificateNamingSnsOnlyInAnotherAttributeIsRefused() {
        SnsTestSigner impostor = SnsTestSigner.create("CN=evil.example, OU=sns.amazonaws.com");

        assertThat(SnsMessageVerifier.issuedToSns(impostor.certificate)).isFalse();
        assertThat(SnsMessageVerifier.issuedToSns(signer.certificate)).isTrue();
    }

    @Test
    void subscribeUrlOutsideThePatternIsNotFetched() {
        Map<String, String> fields = confirmation("SubscriptionConfirmation");
        fields.put("SubscribeURL", "https://evil.example/?Action=ConfirmSubscription");
        SnsMessage message = verifier.verify(SnsTestSigner.json(signer.signed(fields, "2", certUrl)), null);

        assertThatThrownBy(() -> verifier.confirmSubscription(message)).isInstanceOf(InvalidSignatureException.class);
        sns.verify(0, getRequestedFor(urlPathEqualTo("/")));
    }

    @Test
    void confirmationFailuresAreTransientOrPermanentByStatus() {
        SnsMessage message = verifier.verify(SnsTestSigner.json(signer.signed(confirmation("SubscriptionConfirmation"),
                "2", certUrl)), null);

        sns.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withStatus(500)));
        assertThatThrownBy(() -> verifier.confirmSubscription(message)).isInstanceOf(TransientFailureException.class)
                .hasMessageNotContaining("2336412f37fb687f5d51e6e2425dacbba9d1b3b1");

        sns.stubFor(get(urlPathEqualTo("/")).willReturn(aResponse().withStatus(403)));
        assertThatThrownBy(() -> verifier.confirmSubscription(message)).isInstanceOf(PermanentFailureException.class)
                .hasMessageNotContaining("2336412f37fb687f5d51e6e2425dacbba9d1b3b1");
    }

    @Test
    void onlySubscriptionConfirmationsCanBeConfirmed() {
        SnsMessage message = verifier.verify(SnsTestSigner.json(signedNotification("2")), null);

        assertThatThrownBy(() -> verifier.confirmSubscription(message)).isInstanceOf(IllegalArgumentException.class);
    }
}
