package io.chatopshub.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.chatopshub.system.DeadLetterQueue;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ReleaseFromSlackTests extends GitlabHubTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    ProducerTemplate producer;

    @Autowired
    DeadLetterQueue deadLetters;

    static String trigger(String projectId) {
        return "/api/v4/projects/" + projectId + "/trigger/pipeline";
    }

    static String created(long id) {
        return "{\"id\":" + id + ",\"iid\":42,\"status\":\"created\",\"source\":\"trigger\","
                + "\"web_url\":\"https://gitlab.example.com/ops/web/-/pipelines/" + id + "\"}";
    }

    static MappingBuilder gitlabCreates(String projectId, long pipelineId) {
        return WireMock.post(urlEqualTo(trigger(projectId))).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(created(pipelineId)));
    }

    static RequestPatternBuilder reply(String channel, String threadTs) {
        return postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", equalTo(channel))
                .withFormParam("thread_ts", equalTo(threadTs));
    }

    static RequestPatternBuilder reaction(String channel, String ts, String name) {
        return postRequestedFor(urlPathEqualTo("/api/reactions.add"))
                .withHeader("Authorization", equalTo("Bearer " + BOT_TOKEN))
                .withFormParam("channel", equalTo(channel))
                .withFormParam("timestamp", equalTo(ts))
                .withFormParam("name", equalTo(name));
    }

    @Autowired
    ReleaseFreeze freeze;

    @Test
    void whileReleasesAreFrozenAMentionIsToldWhyAndNothingIsTriggered() throws Exception {
        gitlabApi.stubFor(gitlabCreates("ops%2Fweb", 987660));
        freeze.freeze("incident INC-42 in progress");
        try {
            postSlackEvent(eventCallback("Ev0FROZEN1", mention("U0ALICE", "C0HAPPY", "1700000109.000100", "release web")));

            await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0HAPPY", "1700000109.000100")
                    .withFormParam("text", equalTo("Releases are frozen: incident INC-42 in progress. Nothing was"
                            + " started; ask again once the operators lift the freeze."))));
            slackApi.verify(1, reaction("C0HAPPY", "1700000109.000100", "no_entry"));
            gitlabApi.verify(0, postRequestedFor(urlEqualTo(trigger("ops%2Fweb"))));
            assertThat(freeze.isFrozen()).isTrue();
        } finally {
            freeze.unfreeze();
        }
        assertThat(freeze.isFrozen()).isFalse();
    }

    @Test
    void releaseMentionTriggersThePipelineReactsAndRepliesWithItsLink() throws Exception {
        gitlabApi.stubFor(gitlabCreates("ops%2Fweb", 987654));

        var answer = postSlackEvent(eventCallback("Ev0HAPPY1", mention("U0ALICE", "C0HAPPY", "1700000101.000100",
                "release web")));

        assertThat(answer.statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0HAPPY", "1700000101.000100")
                .withFormParam("text", equalTo("Pipeline #987654 started for web on main: "
                        + "https://gitlab.example.com/ops/web/-/pipelines/987654"))));
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("ops%2Fweb")))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("token", equalTo("glptt-happy"))
                .withFormParam("ref", equalTo("main"))
                .withFormParam("variables[RELEASE]", equalTo("true"))
                .withFormParam("variables[channel]", equalTo("C0HAPPY"))
                .withFormParam("variables[timestamp]", equalTo("1700000101.000100"))
                .withFormParam("variables[CHATOPS_REQUEST_ID]", equalTo("Ev0HAPPY1")));
        slackApi.verify(1, reaction("C0HAPPY", "1700000101.000100", "rocket"));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void japaneseReleaseMentionNamesTheProjectBeforeリリース() throws Exception {
        gitlabApi.stubFor(gitlabCreates("1010", 555));

        postSlackEvent(eventCallback("Ev0JAPAN1", mention("U0ALICE", "C0JAPAN", "1700000102.000100", "webをリリース")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0JAPAN", "1700000102.000100")
                .withFormParam("text", equalTo("Pipeline #555 started for web on main: "
                        + "https://gitlab.example.com/ops/web/-/pipelines/555"))));
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("1010"))).withFormParam("token", equalTo("glptt-japan")));
    }

    @Test
    void releaseMentionTriggersOnePipelineEvenWhenSlackRetriesAndTheRequestIsQueuedTwice() throws Exception {
        gitlabApi.stubFor(gitlabCreates("1002", 1002001));
        String event = eventCallback("Ev0RETRY1", mention("U0ALICE", "C0RETRY", "1700000103.000100", "release web"));

        assertThat(postSlackEvent(event).statusCode()).isEqualTo(200);
        var retryHeaders = new LinkedHashMap<>(slackHeaders(event));
        retryHeaders.put("X-Slack-Retry-Num", "1");
        retryHeaders.put("X-Slack-Retry-Reason", "http_timeout");
        assertThat(post("/slack/events", "application/json", event, retryHeaders).statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0RETRY", "1700000103.000100")));
        // the worker ran again for the same event, as after a crash before its commit
        producer.sendBody("jms:queue:" + ReleaseMentions.QUEUE, event);

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(2, reply("C0RETRY", "1700000103.000100")
                .withFormParam("text", equalTo("Pipeline #1002001 started for web on main: "
                        + "https://gitlab.example.com/ops/web/-/pipelines/1002001"))));
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("1002"))));
    }

    @Test
    void secondReleaseWithinTheGuardRepliesWithTheRunningPipeline() throws Exception {
        gitlabApi.stubFor(gitlabCreates("1003", 1003001));
        postSlackEvent(eventCallback("Ev0GUARD1", mention("U0ALICE", "C0GUARD", "1700000104.000100", "release web")));
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0GUARD", "1700000104.000100")));

        postSlackEvent(eventCallback("Ev0GUARD2", mention("U0BOB", "C0GUARD", "1700000105.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0GUARD", "1700000105.000100")
                .withFormParam("text", matching("web is already being released: pipeline #1003001 "
                        + "https://gitlab\\.example\\.com/ops/web/-/pipelines/1003001, started \\d+ s ago"))));
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("1003"))));
        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/reactions.add"))
                .withFormParam("timestamp", equalTo("1700000105.000100")));
    }

    @Test
    void revokedTriggerTokenIsToldInTheThreadAndNotRetried() throws Exception {
        gitlabApi.stubFor(WireMock.post(urlEqualTo(trigger("1004"))).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"404 Not Found\"}")));

        postSlackEvent(eventCallback("Ev0REFUSE1", mention("U0ALICE", "C0REFUSE", "1700000106.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0REFUSE", "1700000106.000100")
                .withFormParam("text", equalTo("Could not release web: GitLab answered 404, the trigger token for web"
                        + " is wrong or was revoked. An operator needs to set a new one in"
                        + " chatops.gitlab.deploy-targets."))));
        slackApi.verify(1, reaction("C0REFUSE", "1700000106.000100", "x"));
        awaitReleaseWorkSettled();
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("1004"))));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void unknownRefIsToldInTheThreadWithGitlabsReasonAndNotRetried() throws Exception {
        gitlabApi.stubFor(WireMock.post(urlEqualTo(trigger("1005"))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":{\"base\":[\"Reference not found\"]}}")));

        postSlackEvent(eventCallback("Ev0BADREF1", mention("U0ALICE", "C0BADREF", "1700000107.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0BADREF", "1700000107.000100")
                .withFormParam("text", equalTo("Could not release web: GitLab refused ref `main`: Reference not found."))));
        awaitReleaseWorkSettled();
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("1005"))));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void busyGitlabIsRetriedAndStartsOnePipeline() throws Exception {
        gitlabApi.stubFor(WireMock.post(urlEqualTo(trigger("1006"))).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        gitlabApi.stubFor(gitlabCreates("1006", 1006001).inScenario("flaky").whenScenarioStateIs("recovered"));

        postSlackEvent(eventCallback("Ev0FLAKY1", mention("U0ALICE", "C0FLAKY", "1700000108.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0FLAKY", "1700000108.000100")
                .withFormParam("text", equalTo("Pipeline #1006001 started for web on main: "
                        + "https://gitlab.example.com/ops/web/-/pipelines/1006001"))));
        gitlabApi.verify(2, postRequestedFor(urlEqualTo(trigger("1006")))
                .withFormParam("variables[CHATOPS_REQUEST_ID]", equalTo("Ev0FLAKY1")));
        slackApi.verify(1, reaction("C0FLAKY", "1700000108.000100", "rocket"));
    }

    @Test
    void threadIsToldOnceWhenGitlabStaysBusyThroughEveryRetry() throws Exception {
        gitlabApi.stubFor(WireMock.post(urlEqualTo(trigger("1007"))).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "0")));

        postSlackEvent(eventCallback("Ev0GIVEUP1", mention("U0ALICE", "C0GIVEUP", "1700000109.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0GIVEUP", "1700000109.000100")
                .withFormParam("text", equalTo("Could not reach GitLab to release web after several tries; nothing was"
                        + " started. Please ask again later."))));
        await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters.list(100))
                .anySatisfy(line -> assertThat(line).contains("delivery=slack:event:Ev0GIVEUP1")));
        awaitReleaseWorkSettled();
        slackApi.verify(1, reply("C0GIVEUP", "1700000109.000100"));
        slackApi.verify(1, reaction("C0GIVEUP", "1700000109.000100", "x"));
        // five attempts per delivery (outboundRetry), two deliveries (QuickReleaseRedelivery), then the DLQ
        gitlabApi.verify(5 * RELEASE_DELIVERIES, postRequestedFor(urlEqualTo(trigger("1007"))));
    }

    @Test
    void ambiguousAndUnknownProjectsGetTheListOfWhatCanBeReleased() throws Exception {
        postSlackEvent(eventCallback("Ev0MULTI1", mention("U0ALICE", "C0MULTI", "1700000110.000100", "release")));
        postSlackEvent(eventCallback("Ev0MULTI2", mention("U0ALICE", "C0MULTI", "1700000111.000100", "release blog")));
        postSlackEvent(eventCallback("Ev0NONE1", mention("U0ALICE", "C0NOTHING", "1700000112.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> {
            slackApi.verify(1, reply("C0MULTI", "1700000110.000100").withFormParam("text", equalTo(
                    "Which one? This channel can release web (main) or api (main). Say `@hub release web`.")));
            slackApi.verify(1, reply("C0MULTI", "1700000111.000100").withFormParam("text", equalTo(
                    "blog cannot be released from this channel. It can release web (main) or api (main):"
                            + " `@hub release web`.")));
            slackApi.verify(1, reply("C0NOTHING", "1700000112.000100").withFormParam("text", equalTo(
                    "Nothing can be released from this channel: it has no GitLab deploy target.")));
        });
        gitlabApi.verify(0, postRequestedFor(urlPathMatching(".*")));
        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/reactions.add")));
    }

    @Test
    void helpListsTheReleaseCommandOnlyWhereTheChannelHasTargets() throws Exception {
        postSlackEvent(eventCallback("Ev0HELP1", mention("U0ALICE", "C0MULTI", "1700000113.000100", "help")));
        postSlackEvent(eventCallback("Ev0HELP2", mention("U0ALICE", "C0NOTHING", "1700000114.000100", "help")));

        await().atMost(WAIT).untilAsserted(() -> {
            slackApi.verify(1, reply("C0MULTI", "1700000113.000100").withFormParam("text", containing(
                    "• `@hub release <project>`: start the release pipeline of web (main) or api (main)"
                            + " (also `@hub webをリリース`)")));
            slackApi.verify(1, reply("C0NOTHING", "1700000114.000100").withFormParam("text",
                    WireMock.notContaining("release")));
        });
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern matching(String regex) {
        return WireMock.matching(regex);
    }
}
