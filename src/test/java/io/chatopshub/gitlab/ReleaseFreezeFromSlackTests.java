package io.chatopshub.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.chatopshub.gitlab.ReleaseFromSlackTests.gitlabCreates;
import static io.chatopshub.gitlab.ReleaseFromSlackTests.reply;
import static io.chatopshub.gitlab.ReleaseFromSlackTests.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.chatopshub.automation.AuditTrail;
import io.chatopshub.dedup.StateStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code @hub freeze} and {@code @hub unfreeze} from Slack: only people allowed to release, the
 * exact texts people read, the freeze shared through the state store, and the audit trail.
 */
class ReleaseFreezeFromSlackTests extends GitlabHubTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    ReleaseFreeze freeze;

    @Autowired
    StateStore store;

    @Autowired
    AuditTrail audit;

    private int sequence;

    /** Mentions in C0FREEZE one after another, each answered before the next is sent. */
    private String say(String user, String text, String expectedReply) throws Exception {
        sequence++;
        String ts = "1700000400.0001" + String.format("%02d", sequence);
        String eventId = "Ev0FRZ" + System.nanoTime();
        postSlackEvent(eventCallback(eventId, mention(user, "C0FREEZE", ts, text)));
        await().atMost(WAIT).untilAsserted(() -> slackApi.verify(1, reply("C0FREEZE", ts)
                .withFormParam("text", equalTo(expectedReply))));
        return eventId;
    }

    List<Map<String, Object>> audited(String requestId) {
        return audit.read(500).stream().filter(e -> requestId.equals(e.get("requestId"))).toList();
    }

    @Test
    void allowedUserFreezesAndUnfreezesAProjectAndOthersAreRefused() throws Exception {
        gitlabApi.stubFor(gitlabCreates("2005", 2005001));

        String frozeIt = say("U0ALICE", "freeze web deploy window closed <!channel>",
                ":ice_cube: Releases of web are frozen by <@U0ALICE>: deploy window closed &lt;!channel&gt;."
                        + " `@hub unfreeze web` lifts the freeze.");
        assertThat(store.get(ReleaseFreeze.PROJECT_KEY_PREFIX + "web")).hasValueSatisfying(v ->
                assertThat(v).endsWith(" deploy window closed <!channel>"));
        say("U0ALICE", "release web", "Releases of web are frozen: deploy window closed &lt;!channel&gt;. Nothing was"
                + " started; ask again once the operators lift the freeze.");
        String refusedUnfreeze = say("U0MALLORY", "unfreeze web",
                "<@U0MALLORY> may not unfreeze web: only people allowed to release web may.");
        String refusedFreeze = say("U0MALLORY", "freeze all",
                "<@U0MALLORY> may not freeze all releases: only people allowed to release from this channel may.");
        assertThat(freeze.isFrozen()).isFalse();
        assertThat(freeze.getFrozenProjects()).singleElement().satisfies(line ->
                assertThat(line).startsWith("web ").endsWith(" deploy window closed <!channel>"));
        gitlabApi.verify(0, postRequestedFor(urlEqualTo(trigger("2005"))));

        String lifted = say("U0ALICE", "unfreeze web", "Releases of web may go ahead again (freeze lifted by <@U0ALICE>).");
        say("U0ALICE", "unfreeze web", "web is not frozen.");
        assertThat(freeze.getFrozenProjects()).isEmpty();
        say("U0ALICE", "release web", "Pipeline #2005001 started for web on main: "
                + "https://gitlab.example.com/ops/web/-/pipelines/2005001");

        gitlabApi.verify(1, postRequestedFor(urlEqualTo(trigger("2005"))));
        assertThat(audited(frozeIt)).singleElement().satisfies(e -> assertThat(e).containsEntry("event", "FROZEN")
                .containsEntry("userId", "U0ALICE").containsEntry("project", "web")
                .containsEntry("reason", "deploy window closed <!channel>"));
        assertThat(audited(refusedUnfreeze)).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("event", "REFUSED").containsEntry("reason", "UNFREEZE NOT_ALLOWED"));
        assertThat(audited(refusedFreeze)).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("event", "REFUSED").containsEntry("reason", "FREEZE NOT_ALLOWED (all)"));
        assertThat(audited(lifted)).singleElement().satisfies(e -> assertThat(e).containsEntry("event", "UNFROZEN"));
    }

    @Test
    void freezeOfAllStopsReleasesEverywhereUntilLifted() throws Exception {
        try {
            say("U0ALICE", "freeze all incident INC-7", ":ice_cube: All releases are frozen by <@U0ALICE>: incident"
                    + " INC-7. `@hub unfreeze all` lifts the freeze.");
            assertThat(freeze.isFrozen()).isTrue();
            assertThat(freeze.reason("api")).contains("incident INC-7");
            say("U0ALICE", "unfreeze web", "web has no freeze of its own; all releases are frozen: incident INC-7"
                    + " (`@hub unfreeze all` lifts it).");
            say("U0ALICE", "freeze", "Say what to freeze: `@hub freeze <project|all> [reason]`.");
            say("U0ALICE", "freeze nope", "`nope` is not released from this channel. Say `@hub freeze <project|all>"
                    + " [reason]` with one of web, or all.");
            say("U0ALICE", "unfreeze all", "All releases may go ahead again (freeze lifted by <@U0ALICE>).");
            assertThat(freeze.isFrozen()).isFalse();
        } finally {
            freeze.unfreeze();
        }
    }
}
