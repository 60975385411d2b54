package io.chatopshub.cloudwatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.InvalidSignatureException;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Checks that an SNS delivery was signed by SNS for an allowed topic, and confirms subscriptions.
 *
 * <p>Written on the JDK's {@link Signature} rather than AWS SDK v2's {@code sns-message-manager}:
 * that library fixes the certificate host to {@code sns.<one region>.amazonaws.com} of a single
 * configured region and offers no way to set the URL rule, so it cannot honour
 * {@code chatops.cloudwatch.sns-url-pattern}, topics in several regions, or a local certificate
 * server in tests.
 *
 * <p>Besides the signature, a message must be fresh (its signed {@code Timestamp} within
 * {@code chatops.cloudwatch.max-message-age}) and its certificate issued to {@code sns.amazonaws.com}.
 *
 * <p>The certificate URL comes from the unverified body, so it is checked against the pattern
 * before any request, redirects are never followed, and certificates are cached by URL (SNS
 * rotates them rarely; a cache bounded in size stops a stream of distinct allowed URLs from
 * growing memory).
 */
public class SnsMessageVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(SnsMessageVerifier.class);
    private static final Set<String> TYPES = Set.of(SnsMessage.NOTIFICATION, SnsMessage.SUBSCRIPTION_CONFIRMATION,
            SnsMessage.UNSUBSCRIBE_CONFIRMATION);
    private static final Map<String, String> ALGORITHMS = Map.of("1", "SHA1withRSA", "2", "SHA256withRSA");
    private static final int MAX_CERTIFICATE_BYTES = 64 * 1024;
    private static final int MAX_CACHED_CERTIFICATES = 64;
    /** The name every SNS signing certificate carries, whatever the region. */
    static final String SNS_SUBJECT = "sns.amazonaws.com";
    /** Clocks disagree a little; a message from further in the future than this was not made by SNS. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final int SAN_DNS_NAME = 2;
    private static final Pattern SUBSCRIPTION_ARN = Pattern.compile("<SubscriptionArn>\\s*([^<\\s]+)\\s*</SubscriptionArn>");

    private final CloudwatchProperties properties;
    private final SnsUrls urls;
    /** Built on the first certificate or subscription fetch: a hub without CloudWatch never needs it. */
    private final SingletonSupplier<RestClient> http = SingletonSupplier.of(SnsMessageVerifier::newRestClient);
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, X509Certificate> certificates = new ConcurrentHashMap<>();

    public SnsMessageVerifier(CloudwatchProperties properties, Clock clock) {
        this.properties = properties;
        this.urls = new SnsUrls(properties.snsUrlPattern());
        this.clock = clock;
    }

    private static RestClient newRestClient() {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        var factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(Duration.ofSeconds(10));
        return RestClient.builder().requestFactory(factory).build();
    }

    public boolean topicAllowed(String topicArn) {
        return topicArn != null && properties.topicArns().contains(topicArn);
    }

    /**
     * Verifies one delivery.
     *
     * @param body                the request body as received
     * @param rawDeliveryHeader   the {@code x-amz-sns-rawdelivery} header, or null
     * @throws BadRequestException        raw delivery, or a body that is not an SNS message
     * @throws InvalidSignatureException  unknown signature version, bad or forged signature,
     *                                    certificate URL outside the pattern, topic not allowed,
     *                                    message older than the allowed age, certificate not issued to SNS
     * @throws TransientFailureException  the signing certificate could not be fetched right now
     */
    public SnsMessage verify(String body, String rawDeliveryHeader) {
        if (rawDeliveryHeader != null && rawDeliveryHeader.trim().equalsIgnoreCase("true")) {
            throw new BadRequestException("SNS raw message delivery is not supported: turn it off on the subscription");
        }
        SnsMessage message = parse(body);
        String algorithm = message.signatureVersion() == null ? null : ALGORITHMS.get(message.signatureVersion());
        if (algorithm == null) {
            throw new InvalidSignatureException("Unsupported SNS SignatureVersion");
        }
        if (message.signature() == null || message.signingCertUrl() == null) {
            throw new InvalidSignatureException("SNS message is not signed");
        }
        if (!topicAllowed(message.topicArn())) {
            throw new InvalidSignatureException("SNS topic is not in chatops.cloudwatch.topic-arns");
        }
        if (!urls.certificateAllowed(message.signingCertUrl())) {
            throw new InvalidSignatureException("SNS SigningCertURL does not match chatops.cloudwatch.sns-url-pattern");
        }
        requireFresh(message);
        byte[] signature;
        try {
            signature = Base64.getMimeDecoder().decode(message.signature());
        } catch (IllegalArgumentException e) {
            throw new InvalidSignatureException("SNS Signature is not base64");
        }
        X509Certificate certificate = certificate(message.signingCertUrl());
        if (!issuedToSns(certificate)) {
            throw new InvalidSignatureException("SNS signing certificate is not issued to " + SNS_SUBJECT);
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message.stringToSign().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(signature)) {
                throw new InvalidSignatureException("SNS signature does not match the message");
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidSignatureException("SNS signature does not match the message");
        }
        return message;
    }

    /**
     * Confirms a verified {@code SubscriptionConfirmation} by fetching its {@code SubscribeURL}.
     *
     * @return the subscription ARN when SNS's answer names it
     * @throws InvalidSignatureException  topic not allowed, or the URL outside the pattern
     * @throws TransientFailureException  5xx, 429 or I/O error: try again
     * @throws PermanentFailureException  any other refusal, e.g. an expired token
     */
    public Optional<String> confirmSubscription(SnsMessage message) {
        if (!message.isSubscriptionConfirmation()) {
            throw new IllegalArgumentException("Not a SubscriptionConfirmation: " + message.type());
        }
        if (!topicAllowed(message.topicArn())) {
            throw new InvalidSignatureException("SNS topic is not in chatops.cloudwatch.topic-arns");
        }
        if (!urls.subscribeAllowed(message.subscribeUrl())) {
            throw new InvalidSignatureException("SNS SubscribeURL does not match chatops.cloudwatch.sns-url-pattern");
        }
        URI uri = URI.create(message.subscribeUrl());
        Fetched answer = fetch(uri, "SNS subscription confirmation");
        if (answer.status() / 100 != 2) {
            throw new PermanentFailureException("sns_confirm_http_" + answer.status(),
                    "SNS refused the subscription confirmation for " + message.topicArn() + " with HTTP " + answer.status());
        }
        var matcher = SUBSCRIPTION_ARN.matcher(new String(answer.body(), StandardCharsets.UTF_8));
        Optional<String> arn = matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
        LOG.info("Confirmed SNS subscription to {} ({})", message.topicArn(), arn.orElse("no subscription ARN in answer"));
        return arn;
    }

    private SnsMessage parse(String body) {
        JsonNode root;
        try {
            root = body == null ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("SNS body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException("SNS body is not a JSON object");
        }
        String type = text(root, "Type");
        if (type == null || !TYPES.contains(type)) {
            throw new BadRequestException("Not an SNS message: unknown or missing Type");
        }
        var message = new SnsMessage(type, text(root, "MessageId"), text(root, "TopicArn"), text(root, "Subject"),
                text(root, "Message"), text(root, "Timestamp"), text(root, "SignatureVersion"), text(root, "Signature"),
                text(root, "SigningCertURL"), text(root, "SubscribeURL"), text(root, "UnsubscribeURL"),
                text(root, "Token"));
        if (message.messageId() == null || message.topicArn() == null || message.message() == null
                || message.timestamp() == null) {
            throw new BadRequestException("SNS message lacks MessageId, TopicArn, Message or Timestamp");
        }
        if (!message.isNotification() && (message.subscribeUrl() == null || message.token() == null)) {
            throw new BadRequestException("SNS " + type + " lacks SubscribeURL or Token");
        }
        return message;
    }

    /**
     * A valid signature never expires (SNS signs each message once), so a captured delivery could be
     * replayed for as long as the certificate lives; the signed {@code Timestamp} bounds that.
     */
    private void requireFresh(SnsMessage message) {
        Instant sent;
        try {
            sent = Instant.parse(message.timestamp());
        } catch (DateTimeParseException e) {
            throw new BadRequestException("SNS Timestamp is not an ISO-8601 instant");
        }
        Instant now = clock.instant();
        if (sent.isBefore(now.minus(properties.maxMessageAge()))) {
            throw new InvalidSignatureException("SNS message is older than chatops.cloudwatch.max-message-age ("
                    + properties.maxMessageAge() + "): sent " + sent);
        }
        if (sent.isAfter(now.plus(CLOCK_SKEW))) {
            throw new InvalidSignatureException("SNS message Timestamp is in the future: " + sent);
        }
    }

    /**
     * The certificate URL only says where the certificate came from; its subject says whom it was
     * issued to. SNS's certificates name {@code sns.amazonaws.com} (as CN, and as a DNS name).
     */
    static boolean issuedToSns(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && SNS_SUBJECT.equalsIgnoreCase(String.valueOf(rdn.getValue()))) {
                    return true;
                }
            }
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    if (name.size() == 2 && Integer.valueOf(SAN_DNS_NAME).equals(name.get(0))
                            && SNS_SUBJECT.equalsIgnoreCase(String.valueOf(name.get(1)))) {
                        return true;
                    }
                }
            }
            return false;
        } catch (InvalidNameException | CertificateParsingException e) {
            return false;
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadRequestException("SNS field " + field + " is not a string");
        }
        return value.textValue();
    }

    private X509Certificate certificate(String url) {
        X509Certificate cached = certificates.get(url);
        if (cached != null && valid(cached)) {
            return cached;
        }
        certificates.remove(url);
        Fetched answer = fetch(URI.create(url), "SNS signing certificate");
        if (answer.status() / 100 != 2) {
            throw new InvalidSignatureException("SNS signing certificate could not be loaded (HTTP " + answer.status() + ")");
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(answer.body()));
        } catch (CertificateException | ClassCastException e) {
            throw new InvalidSignatureException("SNS signing certificate could not be parsed");
        }
        if (!valid(certificate)) {
            throw new InvalidSignatureException("SNS signing certificate is expired or not yet valid");
        }
        if (certificates.size() >= MAX_CACHED_CERTIFICATES) {
            certificates.clear();
        }
        certificates.put(url, certificate);
        return certificate;
    }

    private boolean valid(X509Certificate certificate) {
        try {
            certificate.checkValidity(Date.from(clock.instant()));
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    private Fetched fetch(URI uri, String what) {
        try {
            Fetched answer = http.obtain().get().uri(uri).exchange((request, response) -> {
                byte[] body;
                try (InputStream in = response.getBody()) {
                    body = in.readNBytes(MAX_CERTIFICATE_BYTES + 1);
                }
                return new Fetched(response.getStatusCode().value(), body);
            });
            if (answer == null) {
                throw new TransientFailureException(what + " from " + uri.getHost() + " gave no answer", (Duration) null);
            }
            if (answer.status() == 429 || answer.status() / 100 == 5) {
                throw new TransientFailureException(what + " from " + uri.getHost() + " answered HTTP " + answer.status(),
                        (Duration) null);
            }
            if (answer.body().length > MAX_CERTIFICATE_BYTES) {
                throw new InvalidSignatureException(what + " is larger than expected");
            }
            return answer;
        } catch (ResourceAccessException e) {
            Throwable cause = e.getCause() instanceof IOException ? e.getCause() : e;
            throw new TransientFailureException(what + " from " + uri.getHost() + " failed: "
                    + cause.getClass().getSimpleName(), (Duration) null);
        }
    }

    private record Fetched(int status, byte[] body) {
    }
}
