package io.chatopshub.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.Json;

/**
 * {@code /runbook} end to end against WireMock for Entra ID, Azure Automation and Slack: what
 * the person is answered, the exact calls to Azure, the one progress message and its updates,
 * approvals and refusals, and the audit trail behind {@code /actuator/audit}.
 */
class RunbookFlowTests extends HubIntegrationTest {

    @RegisterExtension
    static final AzureStubs azure = new AzureStubs();
    static final String MESSAGE_TS = "1700000000.000100";

    @Autowired
    ProducerTemplate producer;

    @Autowired
    EmbeddedActiveMQ broker;

    /** A channel of its own for the runbooks that declare required parameters and choices. */
    static final String DEV = "C0DEV";
    static final String NOT_A_CHOICE = ":no_entry: `Deploy-App` did not run: For Env, choose one of staging, prod.";

    @DynamicPropertySource
    static void azureProperties(DynamicPropertyRegistry registry) {
        azure.properties("200ms", "30m").forEach((key, value) -> registry.add(key, () -> value));
        AzureStubs.deployApp(3, DEV).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("chatops.azure.runbooks[4].name", () -> "Restore-Db");
        registry.add("chatops.azure.runbooks[4].channels[0]", () -> DEV);
        registry.add("chatops.azure.runbooks[4].approval", () -> "true");
        registry.add("chatops.azure.runbooks[4].parameters[0].name", () -> "Target");
        registry.add("chatops.azure.runbooks[4].parameters[0].choices[0]", () -> "replica");
        registry.add("chatops.azure.runbooks[4].parameters[0].choices[1]", () -> "primary");
    }

    @Autowired
    InFlightJobs inFlight;

    @Test
    void aRunningJobIsListedInFlightForOperatorsUntilItEnds() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=api", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Running"), "");

        postSlackCommand(fields);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(inFlight.listInFlight())
                .anySatisfy(line -> assertThat(line).startsWith(jobName + " runbook=Restart-WebApp user=U0ALICE channel="
                        + AzureStubs.OPS + " status=Running")));
        azure.jobGoesThrough(jobName, List.of("Completed"), "done");
        azure.arm.resetScenarios();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(inFlight.names()).doesNotContain(jobName));
        assertThat(inFlight.listInFlight()).noneMatch(line -> line.startsWith(jobName));
    }

    @Test
    void aJobGoingNewRunningCompletedIsOneMessageUpdatedTwiceWithItsOutputInTheThread() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=web Slot=\"blue green\"", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Running", "Running", "Completed"), "Restarted web (blue green)\nAll good");

        var answer = postSlackCommand(fields);

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode json = Json.readObject(answer.body());
        assertThat(json.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(json.path("text").asText())
                .isEqualTo(":rocket: Starting `Restart-WebApp`. Its progress is posted in this channel.");
        awaitOutputPosted();

        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName)))
                .withHeader("Authorization", equalTo("Bearer " + AzureStubs.ACCESS_TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"properties\":{\"runbook\":{\"name\":\"Restart-WebApp\"},"
                        + "\"parameters\":{\"AppName\":\"web\",\"Slot\":\"blue green\"},\"runOn\":\"\"}}", false, false)));
        azure.arm.verify(3, getRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName)))
                .withHeader("Authorization", equalTo("Bearer " + AzureStubs.ACCESS_TOKEN)));
        azure.arm.verify(1, getRequestedFor(urlEqualTo(AzureStubs.outputUrl(jobName))));
        // one token per client, cached across jobs: at most one request, none when an earlier test fetched it
        azure.entra.verify(com.github.tomakehurst.wiremock.client.WireMock.lessThanOrExactly(1), postRequestedFor(urlEqualTo(AzureStubs.TOKEN_PATH))
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("client_id", equalTo("client-app"))
                .withFormParam("client_secret", equalTo(AzureStubs.CLIENT_SECRET))
                .withFormParam("scope", equalTo("https://management.azure.com/.default")));

        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", equalTo(AzureStubs.OPS))
                .withFormParam("thread_ts", absent())
                .withFormParam("text", equalTo(":new: Restart-WebApp: New"))
                .withFormParam("blocks", containing("Requested by <@U0ALICE>"))
                .withFormParam("blocks", containing("AppName=`web`, Slot=`blue green`"))
                .withFormParam("blocks", containing(jobName)));
        assertThat(formValues("/api/chat.update", "text"))
                .containsExactly(":runner: Restart-WebApp: Running", ":white_check_mark: Restart-WebApp: Completed");
        slackApi.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.update"))
                .withFormParam("channel", equalTo(AzureStubs.OPS)).withFormParam("ts", equalTo(MESSAGE_TS)));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("thread_ts", equalTo(MESSAGE_TS))
                .withFormParam("text", equalTo("Output of Restart-WebApp"))
                .withFormParam("blocks", containing("Restarted web (blue green)\\nAll good")));
        slackApi.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));

        assertThat(auditEvents(fields.get("trigger_id"))).containsExactly("FINISHED", "STARTED", "ALLOWED");
        JsonNode finished = audit(fields.get("trigger_id")).get(0);
        assertThat(finished.path("jobName").asText()).isEqualTo(jobName);
        assertThat(finished.path("outcome").asText()).isEqualTo("Completed");
        assertThat(finished.path("userId").asText()).isEqualTo("U0ALICE");
        assertThat(finished.path("teamId").asText()).isEqualTo("T0123456");
        assertThat(finished.path("channelId").asText()).isEqualTo(AzureStubs.OPS);
        assertThat(finished.path("parameters").path("Slot").asText()).isEqualTo("blue green");
        assertThat(finished.has("requestedAt") && finished.has("endedAt") && finished.has("durationSeconds")).isTrue();
    }

    @Test
    void helpListsWhatThisPersonMayRunInThisChannelWithParameters() throws Exception {
        var answer = postSlackCommand(command("/runbook", "help", AzureStubs.OPS, "U0ALICE"));
        var bare = postSlackCommand(command("/runbook", "", AzureStubs.OPS, "U0DAVE"));

        assertThat(Json.readObject(answer.body()).path("text").asText()).isEqualTo("*Runbooks you can run here*\n"
                + "• `Restart-WebApp` AppName=… Slot=…\n"
                + "• `Rotate-Keys` _(needs approval)_\n"
                + "Usage: `/runbook <name> key=value …`; quote values with spaces: `message=\"hello world\"`");
        assertThat(Json.readObject(bare.body()).path("text").asText())
                .contains("`Restart-WebApp`").doesNotContain("Rotate-Keys", "Clear-Cache");
    }

    @Test
    void refusedRequestsSayWhyAndNothingReachesAzure() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        var channel = command("/runbook", "Restart-WebApp", AzureStubs.OTHER, "U0ALICE");
        var user = command("/runbook", "Rotate-Keys", AzureStubs.OPS, "U0MALLORY");
        var unknown = command("/runbook", "Drop-Database", AzureStubs.OPS, "U0ALICE");
        var parameter = command("/runbook", "Restart-WebApp Color=red", AzureStubs.OPS, "U0ALICE");
        var malformed = command("/runbook", "Restart-WebApp AppName=\"web", AzureStubs.OPS, "U0ALICE");

        cases.put(text(postSlackCommand(channel)), "CHANNEL_NOT_ALLOWED");
        cases.put(text(postSlackCommand(user)), "USER_NOT_ALLOWED");
        cases.put(text(postSlackCommand(unknown)), "UNKNOWN_RUNBOOK");
        cases.put(text(postSlackCommand(parameter)), "UNKNOWN_PARAMETER");
        cases.put(text(postSlackCommand(malformed)), "MALFORMED");

        assertThat(cases.keySet()).containsExactly(
                ":no_entry: `Restart-WebApp` cannot be run in this channel. You can run `Clear-Cache` here.",
                ":no_entry: You are not among the people allowed to run `Rotate-Keys`.",
                ":no_entry: There is no runbook `Drop-Database` here. You can run `Restart-WebApp`, `Rotate-Keys` here.",
                ":no_entry: `Restart-WebApp` has no parameter `Color`; it takes `AppName`, `Slot`.",
                ":warning: A quote \" is never closed; close it with \".");
        assertThat(audit(channel.get("trigger_id")).get(0).path("reason").asText()).isEqualTo("CHANNEL_NOT_ALLOWED");
        assertThat(audit(user.get("trigger_id")).get(0).path("reason").asText()).isEqualTo("USER_NOT_ALLOWED");
        assertThat(audit(unknown.get("trigger_id")).get(0).path("reason").asText()).isEqualTo("UNKNOWN_RUNBOOK");
        assertThat(audit(parameter.get("trigger_id")).get(0).path("reason").asText()).isEqualTo("UNKNOWN_PARAMETER");
        assertThat(audit(malformed.get("trigger_id")).get(0).path("reason").asText()).startsWith("MALFORMED_COMMAND");
        for (var fields : List.of(channel, user, unknown, parameter, malformed)) {
            assertThat(auditEvents(fields.get("trigger_id"))).containsExactly("REFUSED");
        }
        awaitRunbookStartsSettled();
        assertThat(azure.arm.getAllServeEvents()).isEmpty();
        assertThat(azure.entra.getAllServeEvents()).isEmpty();
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));
    }

    @Test
    void aTypedValueOutsideTheChoicesIsRefusedAsTheFormRefusesItAndNoJobIsCreated() throws Exception {
        var outside = command("/runbook", "Deploy-App Env=qa", DEV, "U0ALICE");
        var lowerCaseName = command("/runbook", "Deploy-App env=qa Version=1.2", DEV, "U0ALICE");
        var otherCaseValue = command("/runbook", "Deploy-App Env=Prod Version=1.2", DEV, "U0ALICE");

        for (var fields : List.of(outside, lowerCaseName, otherCaseValue)) {
            var answer = postSlackCommand(fields);
            assertThat(Json.readObject(answer.body()).path("response_type").asText()).isEqualTo("ephemeral");
            assertThat(text(answer)).isEqualTo(NOT_A_CHOICE);
        }

        for (var fields : List.of(outside, lowerCaseName, otherCaseValue)) {
            assertThat(auditEvents(fields.get("trigger_id"))).containsExactly("REFUSED");
            JsonNode refused = audit(fields.get("trigger_id")).get(0);
            assertThat(refused.path("reason").asText()).isEqualTo("INVALID_PARAMETER: For Env, choose one of staging, prod.");
            assertThat(refused.path("runbook").asText()).isEqualTo("Deploy-App");
        }
        assertThat(audit(outside.get("trigger_id")).get(0).path("parameters").path("Env").asText()).isEqualTo("qa");
        awaitRunbookStartsSettled();
        azure.arm.verify(0, putRequestedFor(urlPathMatching(".*/jobs/.*")));
        for (var fields : List.of(outside, lowerCaseName, otherCaseValue)) {
            azure.arm.verify(0, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(JobNames.fromTriggerId(fields.get("trigger_id"))))));
        }
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));
    }

    @Test
    void aTypedCommandWithoutARequiredParameterIsRefusedAndNoJobIsCreated() throws Exception {
        var missing = command("/runbook", "Deploy-App Version=1.2", DEV, "U0ALICE");
        var empty = command("/runbook", "Deploy-App Env= Version=1.2", DEV, "U0ALICE");

        assertThat(text(postSlackCommand(missing))).isEqualTo(":no_entry: `Deploy-App` did not run: Env is required.");
        assertThat(text(postSlackCommand(empty))).isEqualTo(":no_entry: `Deploy-App` did not run: Env is required.");

        for (var fields : List.of(missing, empty)) {
            assertThat(auditEvents(fields.get("trigger_id"))).containsExactly("REFUSED");
            assertThat(audit(fields.get("trigger_id")).get(0).path("reason").asText())
                    .isEqualTo("INVALID_PARAMETER: Env is required.");
        }
        awaitRunbookStartsSettled();
        azure.arm.verify(0, putRequestedFor(urlPathMatching(".*/jobs/.*")));
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));
    }

    @Test
    void aValueOutsideTheChoicesAsksNobodyForApproval() throws Exception {
        var fields = command("/runbook", "Restore-Db Target=everything", DEV, "U0ALICE");

        assertThat(text(postSlackCommand(fields)))
                .isEqualTo(":no_entry: `Restore-Db` did not run: For Target, choose one of replica, primary.");

        assertThat(auditEvents(fields.get("trigger_id"))).containsExactly("REFUSED");
        awaitRunbookStartsSettled();
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));
        assertThat(azure.arm.getAllServeEvents()).isEmpty();
    }

    @Test
    void aTypedCommandWithAllowedValuesStartsTheJobWithItsParameters() throws Exception {
        var fields = command("/runbook", "Deploy-App Env=prod Version=1.2", DEV, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Completed"), "deployed 1.2");

        assertThat(text(postSlackCommand(fields)))
                .isEqualTo(":rocket: Starting `Deploy-App`. Its progress is posted in this channel.");
        awaitOutputPosted();

        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName)))
                .withRequestBody(equalToJson("{\"properties\":{\"runbook\":{\"name\":\"Deploy-App\"},"
                        + "\"parameters\":{\"Env\":\"prod\",\"Version\":\"1.2\"},\"runOn\":\"\"}}", false, false)));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", equalTo(DEV))
                .withFormParam("text", equalTo(":new: Deploy-App: New"))
                .withFormParam("blocks", containing("Env=`prod`, Version=`1.2`")));
        assertThat(auditEvents(fields.get("trigger_id"))).containsExactly("FINISHED", "STARTED", "ALLOWED");
    }

    @Test
    void anApprovalIsRefusedToTheRequesterAndToOutsidersAndGivenBySomeoneElseAllowed() throws Exception {
        var fields = command("/runbook", "Rotate-Keys Vault=kv-ops", AzureStubs.OPS, "U0ALICE");
        String requestId = fields.get("trigger_id");
        String jobName = JobNames.fromTriggerId(requestId);
        azure.jobGoesThrough(jobName, List.of("Completed"), "rotated");

        assertThat(text(postSlackCommand(fields))).isEqualTo(":raised_hand: `Rotate-Keys` needs approval. The request "
                + "is posted in this channel; someone else who may run it must approve it within 30 minutes.");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("text", equalTo("Rotate-Keys needs approval"))
                        .withFormParam("blocks", containing("\"action_id\":\"runbook.approve\""))
                        .withFormParam("blocks", containing("\"value\":\"" + requestId + "\""))));

        String byRequester = press("runbook.approve", "U0ALICE", requestId);
        String byOutsider = press("runbook.approve", "U0MALLORY", requestId);
        awaitRefusal(byRequester, ":no_entry: Someone other than the requester must approve this run.");
        awaitRefusal(byOutsider, ":no_entry: Only people allowed to run `Rotate-Keys` may approve it.");
        assertThat(azure.arm.getAllServeEvents()).isEmpty();

        press("runbook.approve", "U0BOB", requestId);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.update"))
                        .withFormParam("ts", equalTo(MESSAGE_TS))
                        .withFormParam("text", equalTo("Rotate-Keys approved"))
                        .withFormParam("blocks", containing("Approved by <@U0BOB>"))));
        awaitOutputPosted();
        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName)))
                .withRequestBody(equalToJson("{\"properties\":{\"runbook\":{\"name\":\"Rotate-Keys\"},"
                        + "\"parameters\":{\"Vault\":\"kv-ops\"},\"runOn\":\"\"}}")));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("text", equalTo(":new: Rotate-Keys: New"))
                .withFormParam("blocks", containing("Approved by <@U0BOB>")));

        String late = press("runbook.approve", "U0CAROL", requestId);
        awaitRefusal(late, ":no_entry: This request can no longer be decided: it was already approved by <@U0BOB>.");
        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName))));

        assertThat(auditEvents(requestId)).containsExactly("REFUSED", "FINISHED", "STARTED", "APPROVED", "REFUSED",
                "REFUSED", "APPROVAL_REQUESTED", "ALLOWED");
        List<JsonNode> entries = audit(requestId);
        assertThat(entries.get(3).path("approvedBy").asText()).isEqualTo("U0BOB");
        assertThat(entries.get(0).path("actorId").asText()).isEqualTo("U0CAROL");
        assertThat(entries.get(0).path("reason").asText()).isEqualTo("ALREADY_APPROVED");
        assertThat(List.of(entries.get(4).path("reason").asText(), entries.get(5).path("reason").asText()))
                .containsExactlyInAnyOrder("SELF_APPROVAL", "USER_NOT_ALLOWED");
    }

    @Test
    void aRejectedRequestSaysWhoRejectedItAndNeverRuns() throws Exception {
        var fields = command("/runbook", "Rotate-Keys", AzureStubs.OPS, "U0ALICE");
        String requestId = fields.get("trigger_id");
        postSlackCommand(fields);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("text", equalTo("Rotate-Keys needs approval"))));

        press("runbook.reject", "U0BOB", requestId);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.update"))
                        .withFormParam("text", equalTo("Rotate-Keys rejected"))
                        .withFormParam("blocks", containing("Rejected by <@U0BOB>; it did not run."))));
        String late = press("runbook.approve", "U0CAROL", requestId);
        awaitRefusal(late, ":no_entry: This request can no longer be decided: it was already rejected by <@U0BOB>.");

        assertThat(azure.arm.getAllServeEvents()).isEmpty();
        assertThat(auditEvents(requestId)).containsExactly("REFUSED", "REJECTED", "APPROVAL_REQUESTED", "ALLOWED");
    }

    @Test
    void azureRefusingWith403IsSaidInTheThreadAndNotRetried() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=web", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.arm.stubFor(put(urlEqualTo(AzureStubs.jobUrl(jobName))).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client 'client-app' does "
                        + "not have authorization to perform action 'Microsoft.Automation/automationAccounts/jobs/write'\"}}")));

        postSlackCommand(fields);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo(MESSAGE_TS))
                        .withFormParam("text", containing(":lock: The hub is not allowed to run `Restart-WebApp` in "
                                + "Azure Automation (HTTP 403). An administrator must give its app registration the "
                                + "*Automation Operator* role on the Automation account."))
                        .withFormParam("text", containing("AuthorizationFailed"))));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.update"))
                .withFormParam("text", equalTo(":x: Restart-WebApp: not started")));
        awaitRunbookStartsSettled();
        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName))));
        assertThat(azure.arm.getAllServeEvents()).hasSize(1);
        assertThat(auditEvents(fields.get("trigger_id"))).containsExactly("FAILED", "ALLOWED");
        assertThat(audit(fields.get("trigger_id")).get(0).path("reason").asText()).startsWith("azure_forbidden");
    }

    @Test
    void aRunbookAzureDoesNotKnowIsSaidInTheThread() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=web", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.arm.stubFor(put(urlEqualTo(AzureStubs.jobUrl(jobName))).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":\"NotFound\",\"message\":\"Runbook not found.\"}")));

        postSlackCommand(fields);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo(MESSAGE_TS))
                        .withFormParam("text", containing(":mag: Azure Automation has no runbook `Restart-WebApp` (HTTP 404)."))));
        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName))));
    }

    @Test
    void aThrottledStartIsRetriedAfterRetryAfterWithTheSameJobNameAndOneProgressMessage() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=web", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Completed"), "done");
        azure.arm.stubFor(put(urlEqualTo(AzureStubs.jobUrl(jobName))).inScenario("throttled")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("calm")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        azure.arm.stubFor(put(urlEqualTo(AzureStubs.jobUrl(jobName))).inScenario("throttled")
                .whenScenarioStateIs("calm").willReturn(aResponse().withStatus(201)
                        .withHeader("Content-Type", "application/json").withBody(AzureStubs.job(jobName, "New"))));

        postSlackCommand(fields);
        awaitOutputPosted();

        List<ServeEvent> puts = AzureStubs.chronological(azure.arm, AzureStubs.jobUrl(jobName)).stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("PUT")).toList();
        assertThat(puts).hasSize(2);
        assertThat(Duration.between(puts.get(0).getRequest().getLoggedDate().toInstant(),
                puts.get(1).getRequest().getLoggedDate().toInstant())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("thread_ts", absent()));
    }

    @Test
    void aSuspendedJobIsCalledOutAsNeedingAPersonOnce() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=web", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Suspended", "Suspended", "Stopped"), "");

        postSlackCommand(fields);
        awaitOutputPosted();

        assertThat(formValues("/api/chat.update", "text"))
                .containsExactly(":double_vertical_bar: Restart-WebApp: Suspended", ":octagonal_sign: Restart-WebApp: Stopped");
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("thread_ts", equalTo(MESSAGE_TS))
                .withFormParam("text", equalTo(":warning: <!here> `Restart-WebApp` is *Suspended* and needs a person: "
                        + "open job `" + jobName + "` in the Azure portal to resume or stop it.")));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.update"))
                .withFormParam("blocks", containing("waits for someone to look at it")));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("blocks", containing("The job wrote no output.")));
    }

    @Test
    void aStartDeliveredTwicePostsOneProgressMessageAndCreatesTheJobOnce() throws Exception {
        String triggerId = "13345224609." + System.nanoTime() + ".twice";
        RunbookRequest request = RunbookRequest.fromTrigger(triggerId, "Restart-WebApp", Map.of("AppName", "web"),
                "T0123456", AzureStubs.OPS, "U0ALICE", java.time.Instant.now());
        azure.jobGoesThrough(request.jobName(), List.of("Running", "Completed"), "once");
        Map<String, Object> headers = Map.of(RunbookHeaders.STEP, RunbookHeaders.STEP_START,
                RunbookHeaders.REQUEST_ID, triggerId);

        // two copies, as a broker redelivers after a crash or a replay from the dead-letter queue
        producer.sendBodyAndHeaders("jms:queue:chatops.automation.runbooks", StateJson.write(request), headers);
        producer.sendBodyAndHeaders("jms:queue:chatops.automation.runbooks", StateJson.write(request), headers);
        awaitOutputPosted();
        awaitRunbookStartsSettled();

        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(request.jobName()))));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("thread_ts", absent()));
        assertThat(formValues("/api/chat.update", "text"))
                .containsExactly(":runner: Restart-WebApp: Running", ":white_check_mark: Restart-WebApp: Completed");
        slackApi.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
        assertThat(auditEvents(triggerId)).containsExactly("FINISHED", "STARTED");
    }

    @Test
    void aPollScheduledTwiceIsQueuedOnceAndDeliveredLater() throws Exception {
        String jobName = "poll-twice-" + System.nanoTime();
        var queue = broker.getActiveMQServer().locateQueue("chatops.automation.jobs");
        long scheduledBefore = queue.getScheduledCount();
        Map<String, Object> headers = Map.of(RunbookHeaders.JOB_NAME, jobName, RunbookHeaders.POLL_SEQ, 7,
                RunbookHeaders.DUE_AT, System.currentTimeMillis() + 60_000);

        producer.sendBodyAndHeaders("direct:automation-schedule-poll", "", headers);
        producer.sendBodyAndHeaders("direct:automation-schedule-poll", "", headers);

        assertThat(queue.getScheduledCount() - scheduledBefore).isEqualTo(1);
    }

    @Test
    void theHelpReplyToAMentionListsTheRunbooksThisPersonMayRunHere() throws Exception {
        postSlackEvent(eventCallback("Ev0RBHELP" + System.nanoTime(),
                mention("U0ALICE", AzureStubs.OPS, "1700000100.000100", "help")));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo("1700000100.000100"))
                        .withFormParam("text", containing("• `/runbook <name> key=value …` – run an Azure Automation "
                                + "runbook: `Restart-WebApp`, `Rotate-Keys` (needs approval)\n"))));
    }

    @Test
    void theAuditEndpointNeedsALogin() throws Exception {
        var anonymous = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/audit")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    /**
     * Waits until the hub has finished every run and approval request queued so far, retries
     * included. Job polls are left out: other tests leave jobs the hub keeps following.
     */
    private void awaitRunbookStartsSettled() {
        awaitQueuesSettled("chatops.automation.runbooks");
    }

    private void awaitOutputPosted() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("text", containing("Output of "))));
    }

    private void awaitRefusal(String responsePath, String text) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo(responsePath)).withRequestBody(equalToJson(
                        "{\"response_type\":\"ephemeral\",\"replace_original\":false,\"text\":"
                                + Json.write(text) + "}"))));
    }

    /** Presses a button of the approval message; returns the path of the press's response_url. */
    private String press(String actionId, String user, String requestId) throws Exception {
        String path = "/response/" + java.util.UUID.randomUUID();
        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user + "\",\"username\":\"" + user.toLowerCase()
                + "\",\"team_id\":\"T0123456\"},\"api_app_id\":\"A0123\",\"container\":{\"type\":\"message\",\"message_ts\":\""
                + messageTs(requestId) + "\",\"channel_id\":\"" + AzureStubs.OPS + "\",\"is_ephemeral\":false},"
                + "\"trigger_id\":\"" + System.nanoTime() + ".1.2\",\"team\":{\"id\":\"T0123456\",\"domain\":\"acme\"},"
                + "\"channel\":{\"id\":\"" + AzureStubs.OPS + "\",\"name\":\"ops\"},"
                + "\"response_url\":\"" + slackApi.baseUrl() + path + "\","
                + "\"actions\":[{\"action_id\":\"" + actionId + "\",\"block_id\":\"runbook.approval\",\"value\":\""
                + requestId + "\",\"type\":\"button\",\"action_ts\":\"1700000006.1\"}]}";
        assertThat(postSlackInteraction(payload).statusCode()).isEqualTo(200);
        return path;
    }

    /**
     * The approval message's ts as a press reports it. The stub gives every message the same ts,
     * and the edge de-duplicates presses by ts, action and user, so each request gets its own.
     */
    static String messageTs(String requestId) {
        return "1700000000." + String.format("%06d", Math.floorMod(requestId.hashCode(), 1_000_000));
    }

    private List<String> formValues(String path, String field) {
        return AzureStubs.chronological(slackApi, path).stream()
                .map(e -> e.getRequest().formParameter(field).getValues().get(0)).toList();
    }

    private static String text(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).isEqualTo(200);
        return Json.readObject(answer.body()).path("text").asText();
    }

    /** Audit entries of one request, newest first. */
    private List<JsonNode> audit(String requestId) throws Exception {
        String basic = Base64.getEncoder().encodeToString((AzureStubs.OPERATOR + ":" + AzureStubs.OPERATOR_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        var response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/audit?limit=1000"))
                .header("Authorization", "Basic " + basic).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> entries = new java.util.ArrayList<>();
        Json.mapper().readTree(response.body()).forEach(entry -> {
            if (requestId.equals(entry.path("requestId").asText())) {
                entries.add(entry);
            }
        });
        return entries;
    }

    private List<String> auditEvents(String requestId) throws Exception {
        return audit(requestId).stream().map(e -> e.path("event").asText()).toList();
    }
}
