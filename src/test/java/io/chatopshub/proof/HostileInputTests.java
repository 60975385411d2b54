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
        String event = eventCallback("Ev0HOSTILE", "{\"type\":\"message\",\"channel\":\"C0123456\",\"channel_type\":\"channel\","
                + "\"user\":\"U0ALICE\",\"text\":\"hi\",\"ts\":\"1.1\"}");
        String command = form(command("/test", "", "C0123456", "U0ALICE"));
        String interaction = form(Map.of("payload", "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ALICE\"},"
                + "\"container\":{\"message_ts\":\"1.1\",\"channel_id\":\"C0123456\"},\"trigger_id\":\"1.2.3\","
                + "\"actions\":[{\"action_id\":\"test.yes\",\"value\":\"yes\",\"action_ts\":\"1.3\"}]}"));
        return new HostileCorpus(MAX_BODY)
                .add(new Endpoint("/slack/events", "application/json", Shape.JSON, slackSignature(), event))
                .add(new Endpoint("/slack/commands", "application/x-www-form-urlencoded", Shape.FORM, slackSignature(), command))
                .add(new Endpoint("/slack/interactions", "application/x-www-form-urlencoded", Shape.PAYLOAD_FORM, slackSignature(),
                        interaction));
    }

    private List<String> sendAll(List<HostileRequest> corpus) throws Exception {
        List<String> problems = new ArrayList<>();
        for (HostileRequest request : corpus) {
            HostileRequest.Answer answer;
            try {
                answer = request.send(http, "127.0.0.1", port);
            } catch (java.io.IOException e) {
                problems.add(request + " -> no answer: " + e);
                continue;
            }
            String problem = problem(answer);
            if (problem != null) {
                problems.add(request + " -> " + answer.status() + " " + abbreviate(answer.body()) + ": " + problem);
            }
        }
        return problems;
    }

    private static String problem(HostileRequest.Answer answer) {
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
        if (!body.hasNonNull("error")) {
            return "no error field";
        }
        for (String leak : new String[] { SIGNING_SECRET, BOT_TOKEN, "Exception", "\tat ", "at io.", "at org.", "trace" }) {
            if (answer.body().contains(leak)) {
                return "the body contains '" + leak + "'";
            }
        }
        return null;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
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
}
