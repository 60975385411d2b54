package io.chatopshub.cloudwatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs SNS messages the way SNS does, with a throw-away RSA key and a self-signed certificate
 * made by the JDK's keytool when the tests start.
 */
public final class SnsTestSigner {

    private static final char[] PASSWORD = "throwaway".toCharArray();

    final PrivateKey key;
    final X509Certificate certificate;
    public final String pem;

    private SnsTestSigner(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        this.key = key;
        this.certificate = certificate;
        this.pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    public static SnsTestSigner create() {
        return create("CN=sns.amazonaws.com");
    }

    /** A signer whose certificate has the given subject, e.g. one SNS would never use. */
    public static SnsTestSigner create(String subject) {
        try {
            Path dir = Files.createTempDirectory("sns-test-keys");
            Path store = dir.resolve("sns.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "sns", "-keyalg", "RSA",
                    "-keysize", "2048", "-sigalg", "SHA256withRSA", "-dname", subject, "-validity", "30",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD),
                    "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, PASSWORD);
            }
            var signer = new SnsTestSigner((PrivateKey) keyStore.getKey("sns", PASSWORD),
                    (X509Certificate) keyStore.getCertificate("sns"));
            Files.delete(store);
            Files.delete(dir);
            return signer;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A key no certificate vouches for, to forge signatures with. */
    static PrivateKey strangerKey() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The string SNS signs, written here from AWS's documentation independently of the code under test. */
    static String stringToSign(Map<String, String> fields) {
        List<String> keys = "Notification".equals(fields.get("Type"))
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        var text = new StringBuilder();
        for (String k : keys) {
            if (fields.get(k) != null) {
                text.append(k).append('\n').append(fields.get(k)).append('\n');
            }
        }
        return text.toString();
    }

    static String sign(PrivateKey key, String version, String text) {
        try {
            Signature signature = Signature.getInstance("1".equals(version) ? "SHA1withRSA" : "SHA256withRSA");
            signature.initSign(key);
            signature.update(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds {@code SignatureVersion}, {@code Signature} and {@code SigningCertURL} to {@code fields}. */
    public Map<String, String> signed(Map<String, String> fields, String version, String certUrl) {
        var out = new LinkedHashMap<>(fields);
        out.put("SignatureVersion", version);
        out.put("Signature", sign(key, version, stringToSign(fields)));
        out.put("SigningCertURL", certUrl);
        return out;
    }

    public static String json(Map<String, String> fields) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        fields.forEach(node::put);
        return node.toString();
    }
}
