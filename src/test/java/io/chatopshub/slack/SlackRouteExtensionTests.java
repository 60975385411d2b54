package io.chatopshub.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.Json;

/**
 * Commands and mention keywords added as YAML routes: the shipped examples under
 * {@code routes/examples} and test routes under {@code src/test/resources/test-routes}, loaded
 * side by side as an operator's extra folder would be.
 */
@DirtiesContext
class SlackRouteExtensionTests extends HubIntegrationTest {

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void testRoutes(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern",
                () -> "file:routes/**/*.camel.yaml,file:src/test/resources/test-routes/*.camel.yaml");
    }

    @Test
    void scaleForcealarmIsAnsweredByTheYamlRouteWithWhoAskedWhatWhere() throws Exception {
        var answer = postSlackCommand(command("/scale", "forcealarm", "C0OPS", "U0ALICE"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(Json.readObject(answer.body())).isEqualTo(Json.readObject(
                "{\"response_type\":\"ephemeral\",\"text\":\"<@U0ALICE> asked /scale forcealarm in #ops (C0OPS)\"}"));
    }

    @Test
    void scaleWithAnotherSubcommandSaysWhatItKnows() throws Exception {
        var answer = postSlackCommand(command("/scale", "up 3", "C0OPS", "U0BOB"));

        assertThat(Json.readObject(answer.body()).path("text").asText())
                .isEqualTo("<@U0BOB> asked /scale up 3 in #ops (C0OPS). I only know `/scale forcealarm`.");
    }

    @Test
    void aCommandRouteReturningBlockKitJsonIsPassedThrough() throws Exception {
        var answer = postSlackCommand(command("/blocks", "web", "C0OPS", "U0ALICE"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body())).isEqualTo(Json.readObject(
                "{\"text\":\"Scaling web\",\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\","
                        + "\"text\":\"*Scaling* web for <@U0ALICE>\"}}],\"response_type\":\"ephemeral\"}"));
    }

    @Test
    void aSlowCommandGetsAHoldingAnswerInTimeAndAnswersLaterThroughResponseUrl() throws Exception {
        var fields = command("/slow", "the job", "C0OPS", "U0ALICE");

        long start = System.nanoTime();
        var answer = postSlackCommand(fields);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(3));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body()).path("text").asText()).isEqualTo("Working on `/slow`…");
        String path = URI.create(fields.get("response_url")).getPath();
        slackApi.verify(0, postRequestedFor(urlPathEqualTo(path)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson(
                        "{\"response_type\":\"ephemeral\",\"text\":\"Finished the job for <@U0ALICE>\"}"))));
        // the route answered there itself: the hub does not send its body a second time
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo(path))));
    }

    @Test
    void aSlowCommandThatEndsWithItsAnswerHasItSentToResponseUrlByTheHub() throws Exception {
        assertHoldingAnswerThenAtResponseUrl("/slowanswer", "Q3", "{\"response_type\":\"ephemeral\",\"text\":\"Report Q3 is ready\"}");
    }

    @Test
    void aSlowCommandThatFailsAfterItsHoldingAnswerIsApologisedForThroughResponseUrl() throws Exception {
        assertHoldingAnswerThenAtResponseUrl("/slowbroken", "now",
                "{\"response_type\":\"ephemeral\",\"text\":\"Sorry, `/slowbroken` failed; the hub's log says why.\"}");
    }

    /** A command whose route outlasts Slack's wait: the holding answer, then {@code late} once at its response_url. */
    private void assertHoldingAnswerThenAtResponseUrl(String command, String text, String late) throws Exception {
        var fields = command(command, text, "C0OPS", "U0ALICE");

        var answer = postSlackCommand(fields);
        assertThat(Json.readObject(answer.body()).path("text").asText()).isEqualTo("Working on `" + command + "`…");
        String path = URI.create(fields.get("response_url")).getPath();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson(late))));
    }

    @Test
    void workACommandQueuedForAWorkerOfItsOwnThatFailsForGoodIsToldToThePersonThroughResponseUrl() throws Exception {
        var fields = command("/later", "tonight", "C0OPS", "U0ALICE");

        assertThat(Json.readObject(postSlackCommand(fields).body()).path("text").asText()).isEqualTo("Queued.");
        String path = URI.create(fields.get("response_url")).getPath();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo(path))
                .withRequestBody(matchingJsonPath("$.text", matching("<@U0ALICE> sorry, that did not work: an internal error "
                        + "in the hub \\(IllegalStateException\\)\\. Reference `DLQ-[0-9A-F]{8}`: .*")))
                .withRequestBody(matchingJsonPath("$.response_type", equalTo("ephemeral")))));
    }

    @Test
    void workAMentionQueuedForAWorkerOfItsOwnThatFailsForGoodIsToldInTheMentionsThread() throws Exception {
        postSlackEvent(eventCallback("Ev0LATER1", mention("U0ALICE", "C0OPS", "1700000105.000100", "later tonight")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo("C0OPS"))
                        .withFormParam("thread_ts", equalTo("1700000105.000100"))
                        .withFormParam("text", matching("<@U0ALICE> sorry, that did not work: .*DLQ-[0-9A-F]{8}.*"))));
    }

    @Test
    void aCommandRouteThatSetsNoAnswerIsAnsweredDoneRatherThanWithTheTextTyped() throws Exception {
        var answer = postSlackCommand(command("/noted", "restart the web tier", "C0OPS", "U0ALICE"));

        assertThat(Json.readObject(answer.body())).isEqualTo(Json.readObject(
                "{\"response_type\":\"ephemeral\",\"text\":\"Done.\"}"));
    }

    @Test
    void aFailingCommandRouteGetsAnApologyNotAnError() throws Exception {
        var answer = postSlackCommand(command("/broken", "", "C0OPS", "U0ALICE"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body()).path("text").asText())
                .isEqualTo("Sorry, `/broken` failed; the hub's log says why.");
    }

    @Test
    void anUnknownCommandListsTheKnownOnesIncludingTheYamlOnes() throws Exception {
        var answer = postSlackCommand(command("/frobnicate", "now", "C0OPS", "U0ALICE"));

        assertThat(Json.readObject(answer.body()).path("text").asText()).isEqualTo(
                "I don't know the command `/frobnicate`. Known commands: `/blocks`, `/broken`, `/later`, `/noted`, `/runbook`, `/scale`, `/slow`, `/slowanswer`, `/slowbroken`, `/test`.");
    }

    @Test
    void theSameTriggerIdTwiceRunsTheCommandRouteOnce() throws Exception {
        long before = exchangesOf("slack-command-scale");
        var fields = command("/scale", "forcealarm", "C0OPS", "U0ALICE");

        var first = postSlackCommand(fields);
        var second = postSlackCommand(fields);

        assertThat(Json.readObject(first.body()).path("text").asText()).startsWith("<@U0ALICE> asked /scale forcealarm");
        assertThat(Json.readObject(second.body()).path("text").asText())
                .isEqualTo("This command was already received; it is not run twice.");
        assertThat(exchangesOf("slack-command-scale") - before).isEqualTo(1);
    }

    @Test
    void aMentionKeywordRouteIsCalledAndItsAnswerPostedInTheThread() throws Exception {
        postSlackEvent(eventCallback("Ev0PING1", mention("U0ALICE", "C0OPS", "1700000101.000100", "ping are you there?")));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("channel", equalTo("C0OPS"))
                        .withFormParam("thread_ts", equalTo("1700000101.000100"))
                        .withFormParam("text", equalTo("pong <@U0ALICE>: are you there?"))));
    }

    @Test
    void aMentionRouteThatLeavesItsBodyAloneRepliesNothing() throws Exception {
        long before = exchangesOf("slack-mention-quiet");
        postSlackEvent(eventCallback("Ev0QUIET1", mention("U0ALICE", "C0OPS", "1700000104.000100", "quiet please")));

        await().atMost(Duration.ofSeconds(10)).until(() -> exchangesOf("slack-mention-quiet") - before == 1);
        awaitHubSettled();
        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void theShippedStatusMentionAnswersInTheThread() throws Exception {
        postSlackEvent(eventCallback("Ev0STATUS1", mention("U0ALICE", "C0OPS", "1700000102.000100", "status")));

        String expected = "<@U0ALICE> chatops-hub is up with " + camel.getRoutesSize() + " routes (Camel "
                + camel.getVersion() + ").";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo("1700000102.000100"))
                        .withFormParam("text", equalTo(expected))));
    }

    @Test
    void helpListsMentionRoutesWithTheirDescriptionsAndTheCommandRoutes() throws Exception {
        postSlackEvent(eventCallback("Ev0HELP2", mention("U0ALICE", "C0OPS", "1700000103.000100", "help")));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo("1700000103.000100"))
                        .withFormParam("text", equalTo("Here is what I can do in this channel:\n"
                                + "• `@hub dlq` – operators: list the dead-letter queue, `replay <id>` or `purge <id>` one entry\n"
                                + "• `@hub later` – queues its work for a worker of its own\n"
                                + "• `@hub ping` – answers pong with what followed the keyword\n"
                                + "• `@hub quiet` – only logs; the body it was given stays as it was\n"
                                + "• `@hub status` – says that the hub is up and how many routes it runs\n"
                                + "• `@hub よろしく` – say hello\n"
                                + "• send me a direct message and I echo it back, with its files and links\n"
                                + "• slash commands: `/blocks`, `/broken`, `/later`, `/noted`, `/runbook`, `/scale`, `/slow`, `/slowanswer`, `/slowbroken`, `/test`"))));
    }

    private long exchangesOf(String routeId) throws Exception {
        return camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(routeId).getExchangesTotal();
    }
}
