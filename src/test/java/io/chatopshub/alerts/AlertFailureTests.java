package io.chatopshub.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.chatopshub.system.DeadLetterQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An alert that cannot be delivered for good is told to a person: one message in the ops
 * channel (here the alert channel, its default) naming the alert, where it should have gone,
 * why, and the dead-letter id to replay it by.
 */
class AlertFailureTests extends AlertsHubTest {

    private static final Pattern DEAD_LETTER_ID = Pattern.compile("\\*Dead-letter id:\\* `([^`]+)`");

    @Autowired
    DeadLetterQueue deadLetters;

    /**
     * The failed alert is parked in the dead-letter queue, which the hub leaves as it is; every
     * other queue drained means no retry and no second message to the ops channel is still to come.
     */
    @AfterEach
    void hubHasFinished() {
        awaitHubSettled();
    }

    @Test
    void aBacklog400IsToldOnceInTheOpsChannelWithTheDeadLetterId() throws Exception {
        backlogApi.stubFor(WireMock.post(urlPathEqualTo("/api/v2/issues")).atPriority(1)
                .withRequestBody(containing("4gBad400001"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[{\"message\":\"No project.\",\"code\":6,\"moreInfo\":\"\"}]}")));

        assertThat(postMackerel(mackerel("alert-critical-host.json", "4gBad400001"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> opsMessages("4gBad400001").size() == 1);
        String text = opsMessages("4gBad400001").get(0).get("text");
        assertThat(text).startsWith(":no_entry: Alert *<https://mackerel.io/orgs/acme/alerts/4gBad400001|CPU usage>* @ web-01"
                + " (mackerel `4gBad400001`, critical) could not be delivered to Backlog project 10 (pipeline mackerel-backlog).\n"
                + "*Why:* Backlog ")
                .contains("400").contains("No project.");
        // parked in the worker's transaction, which commits once the failure is handled
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list(1000).stream()
                .anyMatch(line -> line.startsWith(deadLetterId(text) + " from=" + AlertPipelines.QUEUE_PREFIX + "mackerel-backlog")));
        hubHasFinished();
        assertThat(opsMessages("4gBad400001")).hasSize(1);
    }

    @Test
    void aSlackChannelNotFoundIsToldOnceInTheOpsChannelAndTheAlertIsParkedForReplay() throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).atPriority(1)
                .withRequestBody(containing("mackerel%7C4gNoChan001"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error\":\"channel_not_found\"}")));

        assertThat(postMackerel(mackerel("alert-critical-host.json", "4gNoChan001"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> opsMessages("4gNoChan001").size() == 1);
        String text = opsMessages("4gNoChan001").get(0).get("text");
        assertThat(text).isEqualTo(":no_entry: Alert *<https://mackerel.io/orgs/acme/alerts/4gNoChan001|CPU usage>* @ web-01"
                + " (mackerel `4gNoChan001`, critical) could not be delivered to Slack channel CALERTS (pipeline mackerel-slack).\n"
                + "*Why:* Slack chat.postMessage failed: channel_not_found\n"
                + "*Dead-letter id:* `" + deadLetterId(text) + "` (replay it with `@hub dlq replay " + deadLetterId(text)
                + "` once the cause is fixed)");
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list(1000).stream()
                .anyMatch(line -> line.startsWith(deadLetterId(text) + " from=" + AlertPipelines.QUEUE_PREFIX + "mackerel-slack")));
        hubHasFinished();
        assertThat(opsMessages("4gNoChan001")).hasSize(1);
    }

    private static List<Map<String, String>> opsMessages(String alertId) {
        return slack("chat.postMessage", f -> f.getOrDefault("text", "").startsWith(":no_entry:")
                && f.get("text").contains("`" + alertId + "`"));
    }

    private static String deadLetterId(String text) {
        Matcher m = DEAD_LETTER_ID.matcher(text);
        assertThat(m.find()).as("dead-letter id in " + text).isTrue();
        return m.group(1);
    }
}
