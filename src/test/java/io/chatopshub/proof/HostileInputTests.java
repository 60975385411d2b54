package io.chatopshub.proof;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.proof.HostileCorpus.Authentication;
import io.chatopshub.proof.HostileCorpus.Credentials;
import io.chatopshub.proof.HostileCorpus.Endpoint;
import io.chatopshub.proof.HostileCorpus.Shape;
import io.chatopshub.slack.SlackSignatureVerifier;
import io.chatopshub.system.Json;

/**
 * A generated corpus of hostile requests against every inbound endpoint. The hub must refuse each
 * with a 4xx and its JSON error, never a 5xx, a stack trace or a secret; nothing may reach a
 * service outside; the heap must not grow with repetitions; and a valid request afterwards is
 * still served.
 */
class HostileInputTests extends HubIntegrationTest {

    private static final long MAX_BODY = 1024 * 1024;
    private static final int PASSES_AFTER_WARM_UP = 3;
    /** Retained heap allowed to grow over three passes of the corpus (caches, JIT metadata). */
    private static final long HEAP_GROWTH_LIMIT = 16L * 1024 * 1024;

    static final String MACKEREL_TOKEN = "mk-hostile-token-0123456789abcdef";
    static final String GITLAB_TOKEN = "gl-hostile-token-0123456789abcdef";
    private static final String BACKLOG_KEY = "bLgHostileKey0123456789abcdefXYZ";
    private static final String TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:chatops-alarms";

    /** Stands in for every other service the hub could call (Backlog, GitLab, SNS certificates). */
    private static final WireMockServer outbound = new WireMockServer(options().dynamicPort());

    static {
        outbound.start();
    }

    @DynamicPropertySource
    static void outboundServices(DynamicPropertyRegistry registry) {
        registry.add("chatops.backlog.url", outbound::baseUrl);
        registry.add("chatops.gitlab.url", outbound::baseUrl);
        registry.add("chatops.azure.login-url", outbound::baseUrl);
        registry.add("chatops.azure.management-url", outbound::baseUrl);
        registry.add("chatops.backlog.api-key", () -> BACKLOG_KEY);
        registry.add("chatops.backlog.project-id", () -> "10");
        registry.add("chatops.backlog.issue-type-id", () -> "20");
        registry.add("chatops.backlog.priority-id", () -> "3");
        registry.add("chatops.mackerel.webhook-token", () -> MACKEREL_TOKEN);
        registry.add("chatops.gitlab.webhook-token", () -> GITLAB_TOKEN);
        registry.add("chatops.cloudwatch.topic-arns[0]", () -> TOPIC);
        // certificates would only be fetched from here, and no request may get that far
        registry.add("chatops.cloudwatch.sns-url-pattern", () -> "^" + java.util.regex.Pattern.quote(outbound.baseUrl() + "/"));
    }

    @Test
    void everyHostileRequestIsRefusedWithAJsonErrorAndTheHubKeepsServing() throws Exception {
        outbound.resetRequests();
        // each pass signs afresh, so requests signed "now" stay inside Slack's window
        int size = corpus().requests().size();
        List<String> problems = sendAll(corpus().requests());
        long heapBefore = usedHeapAfterGc();
        for (int pass = 0; pass < PASSES_AFTER_WARM_UP; pass++) {
            problems.addAll(sendAll(corpus().requests()));
        }
        long heapAfter = usedHeapAfterGc();
        org.slf4j.LoggerFactory.getLogger(HostileInputTests.class).info("hostile corpus: {} requests x {} passes, retained heap {} KB -> {} KB",
                size, PASSES_AFTER_WARM_UP + 1, heapBefore / 1024, heapAfter / 1024);

        assertThat(problems.stream().distinct().toList()).as("%d hostile requests, answers that break the rules", size).isEmpty();
        assertThat(heapAfter - heapBefore).as("retained heap growth over %d passes of %d requests, bytes",
                PASSES_AFTER_WARM_UP, size).isLessThan(HEAP_GROWTH_LIMIT);
        assertThat(slackApi.findAll(anyRequestedFor(anyUrl()))).as("requests that reached Slack").isEmpty();
        assertThat(outbound.findAll(anyRequestedFor(anyUrl()))).as("requests that reached other services").isEmpty();

        var event = postSlackEvent(eventCallback("Ev0AFTERHOSTILE", "{\"type\":\"message\",\"channel\":\"C0123456\","
                + "\"channel_type\":\"channel\",\"user\":\"U0ALICE\",\"text\":\"still there?\",\"ts\":\"1.2\"}"));
        assertThat(event.statusCode()).isEqualTo(200);
        var command = postSlackCommand(command("/nothing-here", "", "C0123456", "U0ALICE"));
        assertThat(command.statusCode()).isEqualTo(200);
        assertThat(Json.text(Json.readObject(command.body()), "text")).startsWith("I don't know the command `/nothing-here`.");
    }

    private HostileCorpus corpus() {
        HostileCorpus corpus = new HostileCorpus(MAX_BODY);
        slackEndpoints().forEach(corpus::add);
        return corpus
                .add(mackerelEndpoint())
                .add(gitlabEndpoints().get(0))
                .add(new Endpoint("/hooks/cloudwatch", "text/plain; charset=UTF-8", Shape.JSON, snsSignature(), snsNotification(Map.of())))
                .add(gitlabEndpoints().get(1));
    }

    /** GitLab's pipeline webhook and a CI job's deploy result (also what the early edge takes: EarlyEdgeHostileInputTests). */
    static List<Endpoint> gitlabEndpoints() {
        return List.of(new Endpoint("/hooks/gitlab", "application/json", Shape.JSON, gitlabToken(), PIPELINE_HOOK),
                new Endpoint("/hooks/deploy-result", "application/x-www-form-urlencoded", Shape.QUERY, queryToken(GITLAB_TOKEN),
                        "source=gitlab&result=success&channel=C0HOSTILE&timestamp=1712345678.000100", List.of("GET")));
    }

    /** Mackerel's endpoint with a valid alert (also what the early edge takes: EarlyEdgeHostileInputTests). */
    static Endpoint mackerelEndpoint() {
        return new Endpoint("/hooks/mackerel", "application/json", Shape.JSON, queryToken(MACKEREL_TOKEN),
                io.chatopshub.alerts.AlertsHubTest.resource("/mackerel/alert-critical-host.json"));
    }

    /** Slack's three endpoints with a valid request each (also what the early edge takes: EarlyEdgeHostileInputTests). */
    static List<Endpoint> slackEndpoints() {
        String event = eventCallback("Ev0HOSTILE", "{\"type\":\"message\",\"channel\":\"C0123456\",\"channel_type\":\"channel\","
                + "\"user\":\"U0ALICE\",\"text\":\"hi\",\"ts\":\"1.1\"}");
        String command = form(command("/test", "", "C0123456", "U0ALICE"));
        String interaction = form(Map.of("payload", "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ALICE\"},"
                + "\"container\":{\"message_ts\":\"1.1\",\"channel_id\":\"C0123456\"},\"trigger_id\":\"1.2.3\","
                + "\"actions\":[{\"action_id\":\"test.yes\",\"value\":\"yes\",\"action_ts\":\"1.3\"}]}"));
        return List.of(new Endpoint("/slack/events", "application/json", Shape.JSON, slackSignature(), event),
                new Endpoint("/slack/commands", "application/x-www-form-urlencoded", Shape.FORM, slackSignature(), command),
                new Endpoint("/slack/interactions", "application/x-www-form-urlencoded", Shape.PAYLOAD_FORM, slackSignature(),
                        interaction));
    }

    static final String PIPELINE_HOOK = "{\"object_kind\":\"pipeline\",\"object_attributes\":{\"id\":987654,\"ref\":\"main\","
            + "\"status\":\"success\",\"variables\":[{\"key\":\"channel\",\"value\":\"C0HOSTILE\"},"
            + "{\"key\":\"timestamp\",\"value\":\"1712345678.000100\"}],\"url\":\"https://gitlab.example.com/p/1\"},"
            + "\"project\":{\"id\":1234,\"name\":\"web\"}}";

    /** An SNS notification as AWS shapes it, with a certificate URL the hub will not fetch from. */
    private static String snsNotification(Map<String, String> changes) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "Notification");
        fields.put("MessageId", "0f6c7c1e-0000-4000-8000-00000000dead");
        fields.put("TopicArn", TOPIC);
        fields.put("Subject", "ALARM: \"api-5xx\" in Asia Pacific (Tokyo)");
        fields.put("Message", io.chatopshub.alerts.AlertsHubTest.resource("/cloudwatch/alarm-alarm.json"));
        fields.put("Timestamp", "2026-11-21T10:00:00.000Z");
        fields.put("SignatureVersion", "2");
        fields.put("Signature", java.util.Base64.getEncoder().encodeToString(new byte[256]));
        fields.put("SigningCertURL", "https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-0000.pem");
        fields.put("UnsubscribeURL", "https://sns.ap-northeast-1.amazonaws.com/?Action=Unsubscribe");
        fields.putAll(changes);
        fields.values().removeIf(java.util.Objects::isNull);
        return Json.write(fields);
    }

    /** A token in the query string (Mackerel, CI scripts), and the ways to get it wrong. */
    static Authentication queryToken(String token) {
        return new Authentication() {
            @Override
            public Credentials sign(byte[] body) {
                return Credentials.query("token=" + token);
            }

            @Override
            public Map<String, Credentials> forgeries(byte[] body) {
                Map<String, Credentials> forged = new LinkedHashMap<>();
                forged.put("no token", Credentials.none());
                forged.put("empty token", Credentials.query("token="));
                forged.put("wrong token", Credentials.query("token=wrong"));
                forged.put("last character changed", Credentials.query("token=" + token.substring(0, token.length() - 1) + "X"));
                forged.put("prefix of the token", Credentials.query("token=" + token.substring(0, 8)));
                forged.put("upper-case token", Credentials.query("token=" + token.toUpperCase(java.util.Locale.ROOT)));
                forged.put("wrong token first", Credentials.query("token=wrong&token=" + token));
                forged.put("token in another parameter", Credentials.query("secret=" + token));
                return forged;
            }
        };
    }

    /** GitLab's X-Gitlab-Token header, and the ways to get it wrong. */
    static Authentication gitlabToken() {
        return new Authentication() {
            @Override
            public Credentials sign(byte[] body) {
                return Credentials.headers(Map.of("X-Gitlab-Token", GITLAB_TOKEN));
            }

            @Override
            public Map<String, Credentials> forgeries(byte[] body) {
                Map<String, Credentials> forged = new LinkedHashMap<>();
                forged.put("no token", Credentials.none());
                forged.put("empty token", Credentials.headers(Map.of("X-Gitlab-Token", "")));
                forged.put("wrong token", Credentials.headers(Map.of("X-Gitlab-Token", "wrong")));
                forged.put("last character changed", Credentials.headers(Map.of("X-Gitlab-Token",
                        GITLAB_TOKEN.substring(0, GITLAB_TOKEN.length() - 1) + "X")));
                forged.put("token in the query instead", Credentials.query("token=" + GITLAB_TOKEN));
                forged.put("header name in the query instead", Credentials.query("X-Gitlab-Token=" + GITLAB_TOKEN));
                forged.put("huge token", Credentials.headers(Map.of("X-Gitlab-Token", GITLAB_TOKEN + "x".repeat(6000))));
                return forged;
            }
        };
    }

    /** SNS messages carry their signature in the body: forgeries are bodies. */
    static Authentication snsSignature() {
        return new Authentication() {
            @Override
            public Credentials sign(byte[] body) {
                return Credentials.none();
            }

            @Override
            public Map<String, Credentials> forgeries(byte[] body) {
                return Map.of();
            }

            @Override
            public Map<String, byte[]> forgedBodies(byte[] body) {
                Map<String, String> changes = new LinkedHashMap<>();
                Map<String, byte[]> forged = new LinkedHashMap<>();
                forged.put("signature of zeros", body);
                for (String url : new String[] { "http://127.0.0.1:9/cert.pem", "file:///etc/passwd",
                        "https://sns.ap-northeast-1.amazonaws.com.evil.example/cert.pem", "https://sns.amazonaws.com@evil.example/c.pem",
                        "" }) {
                    forged.put("certificate URL " + url, HostileCorpus.utf8(snsNotification(Map.of("SigningCertURL", url))));
                }
                forged.put("signature version 3", HostileCorpus.utf8(snsNotification(Map.of("SignatureVersion", "3"))));
                forged.put("signature not base64", HostileCorpus.utf8(snsNotification(Map.of("Signature", "%%%not base64%%%"))));
                changes.put("Signature", null);
                forged.put("no signature", HostileCorpus.utf8(snsNotification(changes)));
                forged.put("topic not allowed", HostileCorpus.utf8(snsNotification(Map.of("TopicArn",
                        "arn:aws:sns:ap-northeast-1:999999999999:other"))));
                forged.put("unknown type", HostileCorpus.utf8(snsNotification(Map.of("Type", "Bogus"))));
                forged.put("subscription confirmation, unsigned", HostileCorpus.utf8(snsNotification(Map.of("Type",
                        "SubscriptionConfirmation", "SubscribeURL", outbound.baseUrl() + "/?Action=ConfirmSubscription",
                        "Token", "t"))));
                forged.put("message that is not JSON", HostileCorpus.utf8(snsNotification(Map.of("Message", "{not json"))));
                return forged;
            }
        };
    }

    private List<String> sendAll(List<HostileRequest> corpus) throws Exception {
        List<String> problems = new ArrayList<>();
        for (HostileRequest request : corpus) {
            HostileRequest.Answer answer;
            try {
                answer = send(request);
            } catch (java.io.IOException e) {
                problems.add(request + " -> no answer: " + e);
                continue;
            }
            String problem = request.mayBeIgnored() && answer.status() >= 200 && answer.status() < 300 ? null : problem(answer);
            if (problem != null) {
                problems.add(request + " -> " + answer.status() + " " + abbreviate(answer.body()) + ": " + problem);
            }
        }
        return problems;
    }

    static String problem(HostileRequest.Answer answer) {
        if (answer.status() < 400 || answer.status() > 499) {
            return "not a 4xx";
        }
        if (!answer.contentType().contains("json")) {
            return "content type '" + answer.contentType() + "' is not JSON";
        }
        ObjectNode body;
        try {
            body = Json.readObject(answer.body());
        } catch (RuntimeException e) {
            return "body is not a JSON object";
        }
        if (!body.hasNonNull("error") || !body.hasNonNull("message") || body.size() != 2) {
            return "not the hub's error body {\"error\":…,\"message\":…}";
        }
        for (String leak : new String[] { SIGNING_SECRET, BOT_TOKEN, MACKEREL_TOKEN, GITLAB_TOKEN, BACKLOG_KEY, "Exception",
                "\tat ", "at io.", "at org.", "trace" }) {
            if (answer.body().contains(leak)) {
                return "the body contains '" + leak + "'";
            }
        }
        return null;
    }

    /** The least heap in use over five collections, each waited for by the collectors' own count. */
    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long collections = collections();
            System.gc();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> collections() > collections);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
    }

    /** Slack's v0 signature, and the ways to get it wrong, including replays of an old capture. */
    static Authentication slackSignature() {
        var signer = new SlackSignatureVerifier(SIGNING_SECRET, Clock.systemUTC());
        var forger = new SlackSignatureVerifier("not-the-signing-secret", Clock.systemUTC());
        return new Authentication() {

            @Override
            public Credentials sign(byte[] body) {
                return signedAt(now(), body);
            }

            private Credentials signedAt(long ts, byte[] body) {
                return Credentials.headers(Map.of("X-Slack-Request-Timestamp", String.valueOf(ts), "X-Slack-Signature",
                        signer.sign(String.valueOf(ts), body)));
            }

            @Override
            public Map<String, Credentials> forgeries(byte[] body) {
                String ts = String.valueOf(now());
                String good = signer.sign(ts, body);
                Map<String, Credentials> forged = new LinkedHashMap<>();
                forged.put("no signature headers", Credentials.none());
                forged.put("timestamp only", Credentials.headers(Map.of("X-Slack-Request-Timestamp", ts)));
                forged.put("signature only", Credentials.headers(Map.of("X-Slack-Signature", good)));
                forged.put("signed with another secret", headers(ts, forger.sign(ts, body)));
                forged.put("all zeros", headers(ts, "v0=" + "0".repeat(64)));
                forged.put("v1 prefix", headers(ts, "v1=" + good.substring(3)));
                forged.put("upper-case hex", headers(ts, "v0=" + good.substring(3).toUpperCase(java.util.Locale.ROOT)));
                forged.put("truncated", headers(ts, good.substring(0, good.length() - 1)));
                forged.put("empty", headers(ts, ""));
                forged.put("huge", headers(ts, good + "0".repeat(6000)));
                forged.put("signature of another body", headers(ts, signer.sign(ts, "{}".getBytes(StandardCharsets.UTF_8))));
                forged.put("signed for another timestamp", headers(String.valueOf(now() - 1), good));
                forged.put("replay of a capture from 301 s ago", signedAt(now() - 301, body));
                forged.put("replay of a capture from yesterday", signedAt(now() - 86_400, body));
                forged.put("dated six minutes in the future", signedAt(now() + 360, body));
                forged.put("timestamp zero", signedAt(0, body));
                forged.put("negative timestamp", signedAt(-1, body));
                forged.put("timestamp in milliseconds", signedAt(System.currentTimeMillis(), body));
                for (String odd : new String[] { "abc", "99999999999999999999", "1e9", "0x10", " " }) {
                    forged.put("timestamp '" + odd + "'", headers(odd, signer.sign(odd, body)));
                }
                return forged;
            }

            private static Credentials headers(String ts, String signature) {
                return Credentials.headers(Map.of("X-Slack-Request-Timestamp", ts, "X-Slack-Signature", signature));
            }

            private static long now() {
                return Clock.systemUTC().instant().getEpochSecond();
            }
        };
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 160 ? oneLine.substring(0, 160) + "…" : oneLine;
    }

    /**
     * Sends one request. A head or body over its size limit is refused before the server has read
     * all of it; closing a connection with unread bytes makes TCP reset it, and the reset can
     * overtake the 400/413 already written. Such a request (the corpus names each by its limit) is
     * sent once more: the answer must still be a JSON 4xx.
     */
    private HostileRequest.Answer send(HostileRequest request) throws java.io.IOException, InterruptedException {
        try {
            return request.send(http, "127.0.0.1", port);
        } catch (java.io.IOException reset) {
            if (!request.name().contains("limit")) {
                throw reset;
            }
            return request.send(http, "127.0.0.1", port);
        }
    }
}
