package io.chatopshub.system;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;

/**
 * Work a person asked for that fails for good is parked with a reference id, logged once, and
 * the person is told in the thread; operators (and only they) handle the dead letters from Slack.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailedWorkTests extends HubIntegrationTest {

    private static final Pattern REFERENCE = Pattern.compile("DLQ-[0-9A-F]{8}");

    @Autowired
    DeadLetterQueue deadLetters;

    @DynamicPropertySource
    static void failingRoutes(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern",
                () -> "file:routes/**/*.camel.yaml,file:src/test/resources/failure-test-routes/boom.camel.yaml");
        registry.add("chatops.slack.operators[0]", () -> "U0OPS");
    }

    @BeforeEach
    void emptyQueue() {
        deadLetters.purge();
    }

    @Test
    void aThrowingMentionRouteTellsThePersonOnceWithAReferenceFoundInOneLogLineAndTheDlq(CapturedOutput output) {
        postMention("Ev0BOOM1", "U0ALICE", "1700000100.000100", "boom now");

        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters.getDepth() == 1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))));
        LoggedRequest reply = slackApi.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).get(0);
        assertThat(reply.getBodyAsString()).contains("thread_ts=1700000100.000100").contains("channel=C0OPS");
        String text = java.net.URLDecoder.decode(reply.getBodyAsString(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).contains("<@U0ALICE> sorry, that did not work: an internal error in the hub (IllegalStateException)");
        Matcher m = REFERENCE.matcher(text);
        assertThat(m.find()).isTrue();
        String reference = m.group();

        assertThat(deadLetters.entries(10)).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(reference);
            assertThat(e.origin()).isEqualTo("chatops.slack.events");
            assertThat(e.reason()).isEqualTo("IllegalStateException: boom: the route has a bug");
        });
        assertThat(output.getAll().lines().filter(l -> l.contains(reference)).toList()).singleElement().asString()
                .contains("work failed for good").contains("slack-handle-events").contains("boom: the route has a bug");
        assertThat(output.getAll()).doesNotContain("Failed delivery for");
        assertThat(output.getAll().lines().filter(l -> l.startsWith("java.lang.IllegalStateException: boom")).count())
                .as("the stack trace is logged once").isEqualTo(1);
    }

    @Test
    void anOperatorListsAndPurgesFromSlackAndANonOperatorIsRefused() {
        postMention("Ev0BOOM2", "U0ALICE", "1700000101.000100", "boom again");
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters.getDepth() == 1);
        String reference = deadLetters.entries(1).get(0).id();
        resetSlack();

        postMention("Ev0DLQNOPE", "U0ALICE", "1700000102.000100", "dlq purge " + reference);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("text", containing("only operators"))));
        assertThat(deadLetters.getDepth()).isEqualTo(1);

        postMention("Ev0DLQLIST", "U0OPS", "1700000103.000100", "dlq");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("thread_ts", equalTo("1700000103.000100")).withFormParam("text", containing(reference))
                .withFormParam("text", containing("IllegalStateException"))));

        postMention("Ev0DLQPURGE", "U0OPS", "1700000104.000100", "dlq purge " + reference);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("thread_ts", equalTo("1700000104.000100")).withFormParam("text", containing("Purged"))));
        assertThat(deadLetters.getDepth()).isZero();
    }

    @Test
    void anOperatorReplaysFromSlackAndTheReplayedWorkRunsAgainRecordingWhoReplayedIt() {
        postMention("Ev0BOOM3", "U0ALICE", "1700000105.000100", "boom once more");
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters.getDepth() == 1);
        String reference = deadLetters.entries(1).get(0).id();
        resetSlack();

        postMention("Ev0DLQREPLAY", "U0OPS", "1700000106.000100", "dlq replay " + reference);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("thread_ts", equalTo("1700000106.000100")).withFormParam("text", containing("Replayed"))
                .withFormParam("text", containing(reference)).withFormParam("text", containing("U0OPS"))));
        // the route still has its bug: the replayed mention runs again, fails again and Alice is told again
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("thread_ts", equalTo("1700000105.000100"))
                .withFormParam("text", containing("sorry, that did not work"))));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deadLetters.entries(10)).singleElement()
                .satisfies(e -> {
                    assertThat(e.id()).isNotEqualTo(reference);
                    assertThat(e.origin()).isEqualTo("chatops.slack.events");
                    assertThat(e.replayedBy()).isEqualTo("U0OPS");
                }));
    }

    private void postMention(String eventId, String user, String ts, String text) {
        try {
            assertThat(postSlackEvent(eventCallback(eventId, mention(user, "C0OPS", ts, text))).statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
