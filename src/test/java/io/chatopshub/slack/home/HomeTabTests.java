package io.chatopshub.slack.home;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.automation.AuditEntry;
import io.chatopshub.automation.AuditTrail;
import io.chatopshub.automation.AutomationJob;
import io.chatopshub.automation.JobStatus;
import io.chatopshub.automation.RunbookRequest;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.gitlab.ReleaseFreeze;
import io.chatopshub.system.Json;
import io.chatopshub.system.QueryStrings;

/**
 * Opening the Home tab (an {@code app_home_opened} event through {@code POST /slack/events})
 * publishes, through WireMock as Slack's {@code views.publish}, exactly what that person may do
 * and what is going on with it.
 */
class HomeTabTests extends HubIntegrationTest {

    @Autowired
    AuditTrail audit;
    @Autowired
    StateStore store;
    @Autowired
    ReleaseFreeze freeze;

    @DynamicPropertySource
    static void permissions(DynamicPropertyRegistry registry) {
        registry.add("chatops.azure.runbooks[0].name", () -> "Restart-WebApp");
        registry.add("chatops.azure.runbooks[0].channels[0]", () -> "C0123456");
        registry.add("chatops.azure.runbooks[0].channels[1]", () -> "C0OPS22");
        registry.add("chatops.azure.runbooks[0].users[0]", () -> "U0ALICE");
        registry.add("chatops.azure.runbooks[1].name", () -> "Rotate-Keys");
        registry.add("chatops.azure.runbooks[1].channels[0]", () -> "C0123456");
        registry.add("chatops.azure.runbooks[1].users[0]", () -> "U0ALICE");
        registry.add("chatops.azure.runbooks[1].users[1]", () -> "U0BOB");
        registry.add("chatops.azure.runbooks[1].approval", () -> "true");
        registry.add("chatops.azure.runbooks[2].name", () -> "Purge-Cache");
        registry.add("chatops.azure.runbooks[2].channels[0]", () -> "C0123456");
        registry.add("chatops.azure.runbooks[2].users[0]", () -> "U0BOB");
        registry.add("chatops.gitlab.deploy-targets[0].channel", () -> "C0123456");
        registry.add("chatops.gitlab.deploy-targets[0].project", () -> "web");
        registry.add("chatops.gitlab.deploy-targets[0].project-id", () -> "1234");
        registry.add("chatops.gitlab.deploy-targets[0].ref", () -> "main");
        registry.add("chatops.gitlab.deploy-targets[1].channel", () -> "C0123456");
        registry.add("chatops.gitlab.deploy-targets[1].project", () -> "api");
        registry.add("chatops.gitlab.deploy-targets[1].project-id", () -> "1235");
        registry.add("chatops.gitlab.deploy-targets[1].ref", () -> "release");
        registry.add("chatops.gitlab.deploy-targets[1].users[0]", () -> "U0ALICE");
    }

    @BeforeEach
    void viewsPublish() {
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/views.publish"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
    }

    @Test
    void aPersonAllowedSomeThingsSeesThemTheirRecentActionsAndTheirJobsInFlight() throws Exception {
        freeze.freeze("incident <INC-42> & more");
        freeze.freeze("api", "schema migration");
        Instant requested = Instant.parse("2026-12-06T20:00:00Z");
        var alicesRun = new RunbookRequest("r1", "Restart-WebApp", Map.of(), "T0123456", "C0123456", "U0ALICE",
                requested, "job-a");
        var bobsRun = new RunbookRequest("r2", "Rotate-Keys", Map.of(), "T0123456", "C0123456", "U0BOB", requested,
                "job-b");
        // someone else's press on Alice's run, refused: not an action of hers
        audit.record(AuditEntry.refusedPress(alicesRun, "U0DAVE", "NOT_REQUESTER"));
        audit.record(AuditEntry.listed(alicesRun));
        audit.record(AuditEntry.started(alicesRun, job("job-a", JobStatus.RUNNING)));
        audit.record(AuditEntry.refused(new RunbookRequest("r3", "Purge-Cache", Map.of(), "T0123456", "C0123456",
                "U0BOB", requested, null), "not allowed"));
        audit.record(AuditEntry.approved(bobsRun, "U0ALICE"));
        audit.record(AuditEntry.finished(alicesRun, job("job-a", JobStatus.COMPLETED)));
        List<Map<String, Object>> written = audit.read(10);
        store.put("runbook:inflight", "job-a\njob-c", Duration.ofHours(1));
        store.put("runbook:job:job-a", tracked("job-a", "Restart-WebApp", "U0ALICE", "\"Running\""), Duration.ofHours(1));
        store.put("runbook:job:job-c", tracked("job-c", "Purge-Cache", "U0BOB", "null"), Duration.ofHours(1));

        JsonNode view = openHomeTab("Ev0HOME1", "U0ALICE");

        assertThat(view).isEqualTo(Json.readObject("""
                {"type":"home","blocks":[
                 {"type":"header","text":{"type":"plain_text","text":"What you can do with chatops-hub"}},
                 {"type":"section","text":{"type":"mrkdwn","text":"*Runbooks you may run*"}},
                 {"type":"section","text":{"type":"mrkdwn","text":"`Restart-WebApp` in <#C0123456>, <#C0OPS22>"},
                  "accessory":{"type":"button","text":{"type":"plain_text","text":"Run…"},
                               "action_id":"runbook-form.Restart-WebApp","value":"Restart-WebApp"}},
                 {"type":"section","text":{"type":"mrkdwn","text":"`Rotate-Keys` in <#C0123456> · needs a second person's approval"},
                  "accessory":{"type":"button","text":{"type":"plain_text","text":"Run…"},
                               "action_id":"runbook-form.Rotate-Keys","value":"Rotate-Keys"}},
                 {"type":"divider"},
                 {"type":"section","text":{"type":"mrkdwn","text":"*Releases*\\n:no_entry: Releases are frozen: incident &lt;INC-42&gt; &amp; more\\n• `web` from `main` in <#C0123456> (`@hub release web`)\\n• `api` from `release` in <#C0123456> (`@hub release api`) :no_entry: frozen: schema migration"}},
                 {"type":"divider"},
                 {"type":"section","text":{"type":"mrkdwn","text":"*Your recent actions*\\n%s `Restart-WebApp` finished: Completed in <#C0123456>\\n%s `Rotate-Keys` you approved <@U0BOB>'s run in <#C0123456>\\n%s `Restart-WebApp` started in <#C0123456>"}},
                 {"type":"divider"},
                 {"type":"section","text":{"type":"mrkdwn","text":"*Jobs in flight*\\n• `Restart-WebApp` Running, asked by <@U0ALICE> in <#C0123456>"}}
                ]}""".formatted(date(written.get(0)), date(written.get(1)), date(written.get(3)))));
    }

    @Test
    void aPersonAllowedNothingSeesNoRunbookNoActionsAndNoJobs() throws Exception {
        freeze.unfreeze();
        freeze.unfreeze("api");
        store.put("runbook:inflight", "job-a", Duration.ofHours(1));
        store.put("runbook:job:job-a", tracked("job-a", "Restart-WebApp", "U0ALICE", "\"Running\""), Duration.ofHours(1));

        JsonNode view = openHomeTab("Ev0HOME2", "U0MALLORY");

        assertThat(view).isEqualTo(Json.readObject("""
                {"type":"home","blocks":[
                 {"type":"header","text":{"type":"plain_text","text":"What you can do with chatops-hub"}},
                 {"type":"section","text":{"type":"mrkdwn","text":"*Runbooks you may run*"}},
                 {"type":"section","text":{"type":"mrkdwn","text":"No runbook is open to you."}},
                 {"type":"divider"},
                 {"type":"section","text":{"type":"mrkdwn","text":"*Releases*\\n:white_check_mark: Releases are open.\\n• `web` from `main` in <#C0123456> (`@hub release web`)"}},
                 {"type":"divider"},
                 {"type":"section","text":{"type":"mrkdwn","text":"*Your recent actions*\\nNothing yet."}},
                 {"type":"divider"},
                 {"type":"section","text":{"type":"mrkdwn","text":"*Jobs in flight*\\nNo runbook job of yours to see is running."}}
                ]}"""));
    }

    @Test
    void openingTheMessagesTabPublishesNothing() throws Exception {
        String event = "{\"type\":\"app_home_opened\",\"user\":\"U0MSGTAB\",\"channel\":\"D0HOME\",\"tab\":\"messages\","
                + "\"event_ts\":\"1700000010.000100\"}";
        assertThat(postSlackEvent(eventCallback("Ev0MSGTAB", event)).statusCode()).isEqualTo(200);
        awaitQueuesSettled("chatops.slack.events");
        assertThat(published("U0MSGTAB")).isEmpty();

        assertThat(openHomeTab("Ev0MSGTAB2", "U0MSGTAB").path("type").asText()).isEqualTo("home");
    }

    /** Sends app_home_opened for {@code user} and returns the view published for them. */
    private JsonNode openHomeTab(String eventId, String user) throws Exception {
        String event = "{\"type\":\"app_home_opened\",\"user\":\"" + user + "\",\"channel\":\"D0HOME\",\"tab\":\"home\","
                + "\"event_ts\":\"1700000009.000100\"}";
        assertThat(postSlackEvent(eventCallback(eventId, event)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> published(user).size() == 1);
        return Json.readObject(published(user).get(0).get("view"));
    }

    private static List<Map<String, String>> published(String user) {
        return slackApi.findAll(postRequestedFor(urlPathEqualTo("/api/views.publish"))).stream()
                .map(r -> QueryStrings.parseSingle(r.getBodyAsString()))
                .filter(form -> user.equals(form.get("user_id"))).toList();
    }

    private static String date(Map<String, Object> auditEntry) {
        Instant at = Instant.parse(auditEntry.get("time").toString());
        return "• <!date^" + at.getEpochSecond() + "^{date_short_pretty} {time}|"
                + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC).format(at) + ">";
    }

    private static AutomationJob job(String name, JobStatus status) {
        Instant t = Instant.parse("2026-12-06T20:00:05Z");
        return new AutomationJob(name, status, status.azureName(), "Succeeded", t, t,
                status == JobStatus.COMPLETED ? t.plusSeconds(60) : null, null, false);
    }

    private static String tracked(String jobName, String runbook, String user, String statusJson) {
        return "{\"request\":{\"requestId\":\"" + jobName + "-req\",\"runbook\":\"" + runbook + "\",\"parameters\":{},"
                + "\"teamId\":\"T0123456\",\"channelId\":\"C0123456\",\"userId\":\"" + user + "\","
                + "\"requestedAt\":\"2026-12-06T20:00:00Z\",\"jobName\":\"" + jobName + "\"},"
                + "\"phase\":\"" + ("null".equals(statusJson) ? "POSTING" : "TRACKING") + "\",\"holder\":null,"
                + "\"since\":\"2026-12-06T20:00:05Z\",\"channel\":\"C0123456\",\"ts\":\"1700000000.000100\","
                + "\"status\":" + statusJson + ",\"seq\":1,\"approvedBy\":null}";
    }
}
