package io.chatopshub.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.chatopshub.gitlab.ReleaseFromSlackTests.gitlabCreates;
import static io.chatopshub.gitlab.ReleaseFromSlackTests.reaction;
import static io.chatopshub.gitlab.ReleaseFromSlackTests.reply;
import static io.chatopshub.gitlab.ReleaseFromSlackTests.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.chatopshub.automation.AuditTrail;
import io.chatopshub.system.Json;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Who may release: users and user groups listed for a target, the author's own workspace, and the
 * Approve/Reject flow for targets that need a second person. Every decision is on the audit trail.
 */
class ReleasePermissionTests extends GitlabHubTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    AuditTrail audit;

    @Autowired
    ProducerTemplate producer;

    /** Audit lines of one release request, newest first. */
    List<Map<String, Object>> audited(String requestId) {
        return audit.read(500).stream().filter(e -> requestId.equals(e.get("requestId"))).toList();
    }

    static String mentionFrom(String user, String team, String userTeam, String channel, String ts, String text) {
        return "{\"type\":\"app_mention\",\"user\":\"" + user + "\",\"text\":\"<@U0HUB> " + text + "\",\"ts\":\"" + ts
                + "\",\"channel\":\"" + channel + "\",\"event_ts\":\"" + ts + "\",\"team\":\"" + team + "\""
                + (userTeam == null ? "" : ",\"user_team\":\"" + userTeam + "\",\"source_team\":\"" + userTeam + "\"")
                + "}";
    }

    /**
     * Messages posted in {@code channel} get their own ts, so the updates of this test's approval
     * message are told apart from those of other tests' requests expiring meanwhile.
     */
    static void slackGivesMessagesIn(String channel, String ts) {
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).atPriority(1)
                .withFormParam("channel", equalTo(channel))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"" + ts + "\"}")));
    }

    static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder update(String channel, String ts) {
        return postRequestedFor(urlPathEqualTo("/api/chat.update")).withFormParam("channel", equalTo(channel))
                .withFormParam("ts", equalTo(ts));
    }

    @Test
    void releaseByUserOutsideTheListIsRefusedInTheThreadAndStartsNoPipeline() throws Exception {
        gitlabApi.stubFor(gitlabCreates("2001", 2001001));

        postSlackEvent(eventCallback("Ev0PERM1", mention("U0MALLORY", "C0PERM", "1700000301.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0PERM", "1700000301.000100")
                .withFormParam("text", equalTo("<@U0MALLORY> may not release web: only the people and user groups"
                        + " listed for it may. Nothing was started."))));
        slackApi.verify(1, reaction("C0PERM", "1700000301.000100", "no_entry"));
        gitlabApi.verify(0, postRequestedFor(urlEqualTo(trigger("2001"))));
        assertThat(audited("Ev0PERM1")).singleElement().satisfies(e -> {
            assertThat(e).containsEntry("event", "REFUSED").containsEntry("reason", "NOT_LISTED")
                    .containsEntry("userId", "U0MALLORY").containsEntry("project", "web")
                    .containsEntry("channelId", "C0PERM");
        });
    }

    @Test
    void memberOfAListedUsergroupMayRelease() throws Exception {
        gitlabApi.stubFor(gitlabCreates("2001", 2001002));
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/usergroups.users.list"))
                .withFormParam("usergroup", equalTo("S0DEPLOY"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"users\":[\"U0DEPLOYER\",\"U0OTHER\"]}")));

        postSlackEvent(eventCallback("Ev0GROUP1", mention("U0DEPLOYER", "C0PERM", "1700000302.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0PERM", "1700000302.000100")
                .withFormParam("text", equalTo("Pipeline #2001002 started for web on main: "
                        + "https://gitlab.example.com/ops/web/-/pipelines/2001002"))));
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("2001"))).withFormParam("token",
                equalTo("glptt-perm")));
        slackApi.verify(postRequestedFor(urlPathEqualTo("/api/usergroups.users.list"))
                .withHeader("Authorization", equalTo("Bearer " + BOT_TOKEN)));
        assertThat(audited("Ev0GROUP1")).singleElement().satisfies(e ->
                assertThat(e).containsEntry("event", "ALLOWED").containsEntry("userId", "U0DEPLOYER"));
    }

    @Test
    void slackConnectAuthorIsRefusedAlthoughTheEnvelopeNamesTheHubsWorkspace() throws Exception {
        gitlabApi.stubFor(gitlabCreates("2004", 2004001));

        postSlackEvent(eventCallback("Ev0CONNECT1", mentionFrom("U0PARTNER", "T0PARTNER", "T0PARTNER", "C0CONNECT",
                "1700000303.000100", "release web")));
        postSlackEvent(eventCallback("Ev0CONNECT2", mentionFrom("U0ALICE", "T0123456", null, "C0CONNECT",
                "1700000304.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> {
            slackApi.verify(1, reply("C0CONNECT", "1700000303.000100").withFormParam("text", equalTo(
                    "<@U0PARTNER> may not release web: people from another workspace may release only when they are"
                            + " listed for it. Nothing was started.")));
            slackApi.verify(1, reply("C0CONNECT", "1700000304.000100").withFormParam("text", equalTo(
                    "Pipeline #2004001 started for web on main: https://gitlab.example.com/ops/web/-/pipelines/2004001")));
        });
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("2004"))));
        gitlabApi.verify(0, postRequestedFor(urlEqualTo(trigger("2004")))
                .withFormParam("variables[timestamp]", equalTo("1700000303.000100")));
        assertThat(audited("Ev0CONNECT1")).singleElement().satisfies(e ->
                assertThat(e).containsEntry("event", "REFUSED").containsEntry("reason", "OTHER_WORKSPACE"));
    }

    @Test
    void releaseNeedingApprovalIsStartedOnceWhenSomeoneElseAllowedApproves() throws Exception {
        gitlabApi.stubFor(gitlabCreates("2002", 2002001));
        slackGivesMessagesIn("C0APPROVE", "1700000305.999999");

        postSlackEvent(eventCallback("Ev0APPROVE1", mention("U0ALICE", "C0APPROVE", "1700000305.000100",
                "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", equalTo("C0APPROVE"))
                .withFormParam("thread_ts", equalTo("1700000305.000100"))
                .withFormParam("text", equalTo("Release of web needs approval"))
                .withFormParam("blocks", equalToJson("[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":"
                        + "\":raised_hand: <@U0ALICE> asks to release *web* (`main`). Someone else allowed to release"
                        + " web must approve within 8 s.\"}},{\"type\":\"actions\",\"block_id\":\"release.approval\","
                        + "\"elements\":[{\"type\":\"button\",\"text\":{\"type\":\"plain_text\",\"text\":\"Approve\"},"
                        + "\"action_id\":\"release.approve\",\"value\":\"Ev0APPROVE1\",\"style\":\"primary\"},"
                        + "{\"type\":\"button\",\"text\":{\"type\":\"plain_text\",\"text\":\"Reject\"},"
                        + "\"action_id\":\"release.reject\",\"value\":\"Ev0APPROVE1\",\"style\":\"danger\"}]}]"))));
        gitlabApi.verify(0, postRequestedFor(urlEqualTo(trigger("2002"))));

        String byRequester = press("release.approve", "U0ALICE", "T0123456", "C0APPROVE", "Ev0APPROVE1");
        String byStranger = press("release.approve", "U0MALLORY", "T0123456", "C0APPROVE", "Ev0APPROVE1");
        awaitRefusal(byRequester, "You asked for this release; someone else allowed to release web must approve it.");
        awaitRefusal(byStranger, "Only people allowed to release web may approve it.");
        gitlabApi.verify(0, postRequestedFor(urlEqualTo(trigger("2002"))));

        press("release.approve", "U0BOB", "T0123456", "C0APPROVE", "Ev0APPROVE1");

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0APPROVE", "1700000305.000100")
                .withFormParam("text", equalTo("Pipeline #2002001 started for web on main: "
                        + "https://gitlab.example.com/ops/web/-/pipelines/2002001"))));
        slackApi.verify(1, update("C0APPROVE", "1700000305.999999")
                .withFormParam("text", equalTo("Release of web approved"))
                .withFormParam("blocks", containing("was approved by <@U0BOB>. Starting it now.")));
        String late = press("release.reject", "U0CAROL", "T0123456", "C0APPROVE", "Ev0APPROVE1");
        awaitRefusal(late, "This release can no longer be decided: it was already approved by <@U0BOB>.");
        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("2002")))
                .withFormParam("variables[CHATOPS_REQUEST_ID]", equalTo("Ev0APPROVE1")));
        assertThat(audited("Ev0APPROVE1")).extracting(e -> e.get("event") + ":" + e.get("actorId") + ":" + e.get("reason"))
                .containsSubsequence("REFUSED:U0CAROL:ALREADY_APPROVED", "APPROVED:U0BOB:null",
                        "APPROVAL_REQUESTED:null:null");
        assertThat(audited("Ev0APPROVE1")).extracting(e -> e.get("event") + ":" + e.get("reason"))
                .contains("REFUSED:SELF_APPROVAL", "REFUSED:NOT_LISTED");
    }

    @Test
    void releaseNobodyApprovesExpiresAndALatePressStartsNothing() throws Exception {
        gitlabApi.stubFor(gitlabCreates("2003", 2003001));
        slackGivesMessagesIn("C0EXPIRE", "1700000306.999999");

        postSlackEvent(eventCallback("Ev0EXPIRE1", mention("U0ALICE", "C0EXPIRE", "1700000306.000100", "release web")));

        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, update("C0EXPIRE", "1700000306.999999")
                .withFormParam("text", equalTo("Release of web expired"))
                .withFormParam("blocks", containing(":hourglass: Release of *web* asked by <@U0ALICE> expired: nobody"
                        + " approved it within 8 s. Nothing was started."))));
        String late = press("release.approve", "U0BOB", "T0123456", "C0EXPIRE", "Ev0EXPIRE1");
        awaitRefusal(late, "This release can no longer be decided: it expired; nobody approved it within 8 s.");
        gitlabApi.verify(0, postRequestedFor(urlEqualTo(trigger("2003"))));
        assertThat(audited("Ev0EXPIRE1")).extracting(e -> e.get("event")).contains("EXPIRED", "APPROVAL_REQUESTED");
    }

    @Test
    void interactionWithoutUserOrTeamApprovesNothing() throws Exception {
        gitlabApi.stubFor(gitlabCreates("2006", 2006001));
        slackGivesMessagesIn("C0NOUSER", "1700000307.999999");
        postSlackEvent(eventCallback("Ev0NOUSER1", mention("U0ALICE", "C0NOUSER", "1700000307.000100", "release web")));
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("text", equalTo("Release of web needs approval"))
                .withFormParam("channel", equalTo("C0NOUSER"))));

        // without a team, through Slack's endpoint (refused by the action dispatch before any route);
        // without a user or with an unknown action, straight to the action route (refused and audited there)
        press("release.approve", "U0BOB", null, "C0NOUSER", "Ev0NOUSER1");
        producer.sendBody("direct:slack-action-release", "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0123456\"},"
                + "\"actions\":[{\"action_id\":\"release.approve\",\"value\":\"Ev0NOUSER1\"}]}");
        producer.sendBody("direct:slack-action-release", "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0123456\"},"
                + "\"user\":{\"id\":\"U0BOB\",\"team_id\":\"T0123456\"},"
                + "\"actions\":[{\"action_id\":\"release.approve_all\",\"value\":\"Ev0NOUSER1\"}]}");

        await().atMost(WAIT).untilAsserted(() -> assertThat(audited("Ev0NOUSER1"))
                .filteredOn(e -> "INCOMPLETE_INTERACTION".equals(e.get("reason"))).hasSize(2));
        slackApi.verify(0, update("C0NOUSER", "1700000307.999999"));
        gitlabApi.verify(0, postRequestedFor(urlEqualTo(trigger("2006"))));
        assertThat(audited("Ev0NOUSER1")).extracting(e -> e.get("event")).doesNotContain("APPROVED");
    }

    /** Presses a button of the approval message; returns the path of the press's response_url. */
    String press(String actionId, String user, String team, String channel, String requestId) throws Exception {
        String path = "/response/" + UUID.randomUUID();
        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user + "\",\"username\":\""
                + user.toLowerCase() + "\"" + (team == null ? "" : ",\"team_id\":\"" + team + "\"") + "},"
                + "\"api_app_id\":\"A0123\",\"container\":{\"type\":\"message\",\"message_ts\":\"" + messageTs(requestId) + "\","
                + "\"channel_id\":\"" + channel + "\",\"is_ephemeral\":false},\"trigger_id\":\"" + System.nanoTime()
                + ".1.2\"," + (team == null ? "" : "\"team\":{\"id\":\"" + team + "\",\"domain\":\"acme\"},")
                + "\"channel\":{\"id\":\"" + channel + "\",\"name\":\"deploy\"},"
                + "\"response_url\":\"" + slackApi.baseUrl() + path + "\","
                + "\"actions\":[{\"action_id\":\"" + actionId + "\",\"block_id\":\"release.approval\",\"value\":\""
                + requestId + "\",\"type\":\"button\",\"action_ts\":\"1700000006.1\"}]}";
        assertThat(postSlackInteraction(payload).statusCode()).isEqualTo(200);
        return path;
    }

    /**
     * The approval message's ts as a press reports it. The Slack stub gives every message the same
     * ts, and Slack's edge de-duplicates presses by ts, action and user, so each request gets its own.
     */
    static String messageTs(String requestId) {
        return "1700000000." + String.format("%06d", Math.floorMod(requestId.hashCode(), 1_000_000));
    }

    void awaitRefusal(String responsePath, String text) {
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, postRequestedFor(urlPathEqualTo(responsePath))
                .withRequestBody(equalToJson("{\"response_type\":\"ephemeral\",\"replace_original\":false,\"text\":"
                        + Json.write(":no_entry: " + text) + "}"))));
    }
}
