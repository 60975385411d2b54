package io.chatopshub.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import io.chatopshub.slack.SlackSignatureVerifier;

/**
 * A POST signed the way Slack signs it ({@code X-Slack-Request-Timestamp} now, {@code X-Slack-Signature}
 * over the body with the signing secret), for tests that talk to a hub over HTTP; the caller adds
 * what else it needs (a timeout, Slack's retry headers) and sends it.
 */
public final class SignedSlackRequest {

    private SignedSlackRequest() {
    }

    public static HttpRequest.Builder post(URI uri, String signingSecret, String contentType, String body) {
        String timestamp = String.valueOf(Clock.systemUTC().instant().getEpochSecond());
        String signature = new SlackSignatureVerifier(signingSecret, Clock.systemUTC())
                .sign(timestamp, body.getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                .header("X-Slack-Request-Timestamp", timestamp).header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
