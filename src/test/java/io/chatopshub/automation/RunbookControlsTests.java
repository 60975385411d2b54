package io.chatopshub.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.DeadLetterQueue;
import io.chatopshub.system.Json;

/**
 * The runbook controls in Slack, end to end against WireMock for Entra ID, Azure Automation and
 * Slack: the form (opened, refused with errors in the HTTP answer, submitted), Cancel, the
 * fail-closed interaction dispatch, and secret parameters at rest.
 */
@ExtendWith(OutputCaptureExtension.class)
class RunbookControlsTests extends HubIntegrationTest {

    @RegisterExtension
    static final AzureStubs azure = new AzureStubs();
    static final String MESSAGE_TS = "1700000000.000100";

    @Autowired
    ProducerTemplate producer;

    @Autowired
    CamelContext camel;

    @Autowired
    DeadLetterQueue deadLetters;

    @Autowired
    ConnectionFactory connectionFactory;

    @Value("${chatops.data-dir}")
    Path dataDir;

    @DynamicPropertySource
    static void azureProperties(DynamicPropertyRegistry registry) {
        azure.properties("200ms", "30m").forEach((key, value) -> registry.add(key, () -> value));
        AzureStubs.deployApp(3, AzureStubs.OPS).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("chatops.azure.runbooks[3].parameters[1].required", () -> "true");
        registry.add("chatops.azure.runbooks[3].parameters[2].name", () -> "Pin");
        registry.add("chatops.azure.runbooks[3].parameters[2].secret", () -> "true");
        registry.add("chatops.azure.parameter-key", () -> Base64.getEncoder().encodeToString(
                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
    }

    @BeforeEach
    void resetStubs() {
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/views.open")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"view\":{\"id\":\"V0FORM\"}}")));
    }

    @Test
    void runbookNamedWithoutParametersOpensItsFormWithOneInputPerDeclaredParameter() throws Exception {
        // the first Slack call of a fresh hub loads the SDK, which can outlast the edge's answer budget
        postSlackCommand(command("/runbook", "Deploy-App", AzureStubs.OPS, "U0ALICE"));
        var fields = command("/runbook", "Deploy-App", AzureStubs.OPS, "U0ALICE");

        var answer = postSlackCommand(fields);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body()).path("text").asText())
                .isEqualTo(":memo: The form of `Deploy-App` is open; its progress is posted in this channel once you press Run.");
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/views.open"))
                .withFormParam("trigger_id", equalTo(fields.get("trigger_id")))
                .withFormParam("view", equalToJson("""
                        {"type":"modal",
                         "title":{"type":"plain_text","text":"Run a runbook","emoji":false},
                         "submit":{"type":"plain_text","text":"Run","emoji":false},
                         "close":{"type":"plain_text","text":"Cancel","emoji":false},
                         "blocks":[
                          {"type":"section","block_id":"runbook","text":{"type":"mrkdwn","text":"*Deploy-App* runs in <#C0123456>."}},
                          {"type":"input","block_id":"param.Env","label":{"type":"plain_text","text":"Env"},"optional":false,
                           "element":{"type":"static_select","action_id":"value",
                            "placeholder":{"type":"plain_text","text":"Choose"},
                            "options":[{"text":{"type":"plain_text","text":"staging"},"value":"staging"},
                                       {"text":{"type":"plain_text","text":"prod"},"value":"prod"}],
                            "initial_option":{"text":{"type":"plain_text","text":"staging"},"value":"staging"}}},
                          {"type":"input","block_id":"param.Version","label":{"type":"plain_text","text":"Version"},"optional":false,
                           "element":{"type":"plain_text_input","action_id":"value","multiline":false}},
                          {"type":"input","block_id":"param.Pin","label":{"type":"plain_text","text":"Pin"},"optional":true,
                           "element":{"type":"plain_text_input","action_id":"value","multiline":false},
                           "hint":{"type":"plain_text","text":"Secret: masked in Slack and the audit trail, never stored in clear."}}],
                         "private_metadata":"{\\"runbook\\":\\"Deploy-App\\",\\"channel\\":\\"C0123456\\"}",
                         "callback_id":"runbook-form"}""", false, false)));
        assertThat(azure.arm.getAllServeEvents()).isEmpty();
    }

    @Test
    void aRunButtonOpensTheFormForTheRunbookItNames() throws Exception {
        String trigger = System.nanoTime() + ".home";

        assertThat(postSlackInteraction(homeRunPress("U0ALICE", "Deploy-App", trigger)).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/views.open")).withFormParam("trigger_id", equalTo(trigger))
                        .withFormParam("view", containing("\"private_metadata\":\"{\\\"runbook\\\":\\\"Deploy-App\\\","
                                + "\\\"channel\\\":\\\"C0123456\\\"}\""))));
    }

    @Test
    void aRunButtonOfARunbookWithoutParametersOpensAFormThatSaysWhereItRuns() throws Exception {
        String trigger = System.nanoTime() + ".home-noparams";

        assertThat(postSlackInteraction(homeRunPress("U0BOB", "Rotate-Keys", trigger)).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/views.open")).withFormParam("trigger_id", equalTo(trigger))
                        .withFormParam("view", containing("\"blocks\":[{\"type\":\"section\",\"text\":{\"type\":"
                                + "\"mrkdwn\",\"text\":\"*Rotate-Keys* runs in \\u003c#" + AzureStubs.OPS + "\\u003e; someone "
                                + "else who may run it must approve it first.\"},\"block_id\":\"runbook\"}]"))));
        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void aFormWithAMissingValueIsAnsweredWithItsErrorsAndRunsNothing() throws Exception {
        assertFormAnsweredWithErrorsAndNothingRuns(submission(System.nanoTime() + ".bad", "prod", "", "4711"),
                "{\"param.Version\":\"Version is required.\"}");
    }

    @Test
    void aFormWithAValueOutsideTheChoicesIsAnsweredWithItsErrorAndRunsNothing() throws Exception {
        assertFormAnsweredWithErrorsAndNothingRuns(submission(System.nanoTime() + ".qa", "qa", "1.2.3", ""),
                "{\"param.Env\":\"Choose one of staging, prod.\"}");
    }

    /** A submitted form is answered at once with {@code errors} under its fields; no job, no message. */
    private void assertFormAnsweredWithErrorsAndNothingRuns(String submission, String errors) throws Exception {
        var answer = postSlackInteraction(submission);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(Json.readObject(answer.body())).isEqualTo(Json.readObject(
                "{\"response_action\":\"errors\",\"errors\":" + errors + "}"));
        assertThat(azure.arm.getAllServeEvents()).isEmpty();
        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void aTypedCommandIsRefusedWithTheFormsWordsAndItsSecretIsNotRepeated() throws Exception {
        var fields = command("/runbook", "Deploy-App Env=qa Pin=4711", AzureStubs.OPS, "U0ALICE");

        var answer = postSlackCommand(fields);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body()).path("text").asText()).isEqualTo(
                ":no_entry: `Deploy-App` did not run: For Env, choose one of staging, prod. Version is required.");
        awaitQueuesSettled("chatops.automation.runbooks");
        azure.arm.verify(0, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(JobNames.fromTriggerId(fields.get("trigger_id"))))));
        assertThat(azure.arm.getAllServeEvents()).isEmpty();
        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void aValidFormStartsOneJobWithTheEnteredValuesAndTheSecretMasked() throws Exception {
        String trigger = System.nanoTime() + ".form";
        String jobName = JobNames.fromTriggerId(trigger);
        azure.jobGoesThrough(jobName, List.of("Completed"), "deployed 1.2.3");

        var answer = postSlackInteraction(submission(trigger, "prod", "1.2.3", "4711"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEmpty();
        awaitOutputPosted();
        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName)))
                .withRequestBody(equalToJson("{\"properties\":{\"runbook\":{\"name\":\"Deploy-App\"},"
                        + "\"parameters\":{\"Env\":\"prod\",\"Version\":\"1.2.3\",\"Pin\":\"4711\"},\"runOn\":\"\"}}")));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", equalTo(AzureStubs.OPS))
                .withFormParam("text", equalTo(":new: Deploy-App: New"))
                .withFormParam("blocks", containing("Parameters: Env=`prod`, Version=`1.2.3`, Pin=`***`"))
                .withFormParam("blocks", notContaining("4711")));
    }

    @Test
    void cancelByTheRequesterStopsTheJobOnceAndTheMessageSaysWhoStoppedIt() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=web", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Running"), "");
        // Azure takes its time to stop: the job's tracker polls meanwhile and moves the job's state on,
        // which must not make the press fail and ask Azure a second time
        azure.arm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(AzureStubs.JOBS + jobName + "/stop" + AzureStubs.API))
                .willReturn(aResponse().withStatus(200).withFixedDelay(800)));

        postSlackCommand(fields);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.update"))
                        .withFormParam("text", equalTo(":runner: Restart-WebApp: Running"))
                        .withFormParam("blocks", containing("\"action_id\":\"runbook.cancel\""))
                        .withFormParam("blocks", containing("\"value\":\"" + jobName + "\""))));

        String byOutsider = pressCancel("U0MALLORY", jobName, "1700000001.000001");
        awaitRefusal(byOutsider, ":no_entry: Only <@U0ALICE>, who asked for it, may stop this job.");
        String byRequester = pressCancel("U0ALICE", jobName, "1700000001.000002");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.update"))
                        .withFormParam("text", equalTo(":runner: Restart-WebApp: Running"))
                        .withFormParam("blocks", containing(":octagonal_sign: Stopped by <@U0ALICE>"))
                        .withFormParam("blocks", notContaining("runbook.cancel"))));
        String again = pressCancel("U0ALICE", jobName, "1700000001.000003");
        awaitRefusal(again, ":no_entry: This job was already stopped by <@U0ALICE>.");
        azure.arm.verify(1, postRequestedFor(urlEqualTo(AzureStubs.JOBS + jobName + "/stop" + AzureStubs.API))
                .withHeader("Authorization", equalTo("Bearer " + AzureStubs.ACCESS_TOKEN)));
        slackApi.verify(0, postRequestedFor(urlPathEqualTo(byRequester)));

        azure.jobGoesThrough(jobName, List.of("Stopped"), "");
        azure.arm.resetScenarios();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.update"))
                        .withFormParam("text", equalTo(":octagonal_sign: Restart-WebApp: Stopped"))
                        .withFormParam("blocks", containing(":octagonal_sign: Stopped by <@U0ALICE>"))));
        azure.arm.verify(1, postRequestedFor(urlEqualTo(AzureStubs.JOBS + jobName + "/stop" + AzureStubs.API)));
    }

    @Test
    void anInteractionWithoutAUserATeamOrAKnownActionApprovesNothing() throws Exception {
        var fields = command("/runbook", "Rotate-Keys Vault=kv-ops", AzureStubs.OPS, "U0ALICE");
        String requestId = fields.get("trigger_id");
        String jobName = JobNames.fromTriggerId(requestId);
        azure.jobGoesThrough(jobName, List.of("Completed"), "rotated");
        postSlackCommand(fields);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("text", equalTo("Rotate-Keys needs approval"))));
        String userless = approve(null, "\"team\":{\"id\":\"T0123456\"},", "runbook.approve", requestId);
        String teamless = approve("U0BOB", "", "runbook.approve", requestId);
        String unknown = approve("U0BOB", "\"team\":{\"id\":\"T0123456\"},", "nobody.approve", requestId);

        // the edge refuses a press without a user; one that gets onto the queue anyway is refused there
        assertThat(postSlackInteraction(userless).statusCode()).isEqualTo(400);
        NotifyBuilder handled = new NotifyBuilder(camel).fromRoute("slack-handle-interactions").whenDone(3).create();
        for (String payload : List.of(userless, teamless, unknown)) {
            producer.sendBody("jms:queue:chatops.slack.interactions", payload);
        }
        assertThat(handled.matches(15, TimeUnit.SECONDS)).isTrue();

        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/chat.update")));
        assertThat(azure.arm.getAllServeEvents()).isEmpty();

        // the request is still pending: a real, allowed person approves it
        assertThat(postSlackInteraction(approve("U0BOB", "\"team\":{\"id\":\"T0123456\"},", "runbook.approve",
                requestId)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.update"))
                        .withFormParam("text", equalTo("Rotate-Keys approved"))
                        .withFormParam("blocks", containing("Approved by <@U0BOB>"))));
        slackApi.verify(0, postRequestedFor(urlPathEqualTo("/api/chat.update")).withFormParam("blocks", containing("null")));
    }

    @Test
    void aSecretParameterNeverReachesTheStoreTheJournalTheDeadLetterQueueOrTheLogsInClear(CapturedOutput output)
            throws Exception {
        // a run whose progress message Slack refuses for good: parked in the dead-letter queue
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/chat.postMessage")).atPriority(1)
                .withRequestBody(containing("channel=" + AzureStubs.OTHER))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error\":\"channel_not_found\"}")));
        int parkedBefore = deadLetters.getDepth();
        var parked = command("/runbook", "Clear-Cache password=hunter2 Marker=canary-5c1e", AzureStubs.OTHER, "U0ALICE");
        assertThat(postSlackCommand(parked).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters.getDepth() > parkedBefore);

        // a run that goes through: Azure receives the password
        resetSlack();
        var fields = command("/runbook", "Clear-Cache password=hunter2 Marker=canary-5c1e", AzureStubs.OTHER, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Completed"), "cleared");
        postSlackCommand(fields);
        awaitOutputPosted();
        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName)))
                .withRequestBody(equalToJson("{\"properties\":{\"runbook\":{\"name\":\"Clear-Cache\"},"
                        + "\"parameters\":{\"password\":\"hunter2\",\"Marker\":\"canary-5c1e\"},\"runOn\":\"\"}}")));

        List<String> parkedMessages = dlqContents();
        assertThat(parkedMessages).anySatisfy(m -> assertThat(m).contains("canary-5c1e"));
        assertThat(parkedMessages).noneSatisfy(m -> assertThat(m).contains("hunter2"));
        assertThat(String.join("\n", deadLetters.list(1000))).doesNotContain("hunter2");

        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).anySatisfy(f -> assertThat(f.toString()).contains("journal"));
        assertThat(files).as("the marker beside the password is found, so the search can see message bodies")
                .anySatisfy(f -> assertThat(f.toString()).contains("journal"))
                .anyMatch(f -> f.toString().contains("journal") && holds(f, "canary-5c1e"));
        assertThat(files).noneMatch(f -> holds(f, "hunter2"));
        assertThat(output.getAll()).contains("Clear-Cache").doesNotContain("hunter2");
    }

    private List<String> dlqContents() {
        List<String> contents = new JmsTemplate(connectionFactory).browse(DeadLetterQueue.QUEUE, (session, browser) -> {
            List<String> out = new ArrayList<>();
            for (Object each : Collections.list(browser.getEnumeration())) {
                Message message = (Message) each;
                StringBuilder text = new StringBuilder(message instanceof TextMessage t ? t.getText() : "");
                for (Object name : Collections.list(message.getPropertyNames())) {
                    text.append(' ').append(name).append('=').append(message.getObjectProperty((String) name));
                }
                out.add(text.toString());
            }
            return out;
        });
        return contents == null ? List.of() : contents;
    }

    /** Whether the file holds {@code text} as UTF-8 or UTF-16 (Artemis keeps strings in either). */
    private static boolean holds(Path file, String text) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            if (indexOf(bytes, text.getBytes(charset)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String submission(String trigger, String env, String version, String pin) {
        return "{\"type\":\"view_submission\",\"team\":{\"id\":\"T0123456\",\"domain\":\"acme\"},"
                + "\"user\":{\"id\":\"U0ALICE\",\"username\":\"alice\",\"team_id\":\"T0123456\"},"
                + "\"api_app_id\":\"A0123\",\"trigger_id\":\"" + trigger + "\","
                + "\"view\":{\"id\":\"V0FORM\",\"type\":\"modal\",\"callback_id\":\"runbook-form\","
                + "\"private_metadata\":" + Json.write("{\"runbook\":\"Deploy-App\",\"channel\":\"" + AzureStubs.OPS + "\"}")
                + ",\"state\":{\"values\":{"
                + "\"param.Env\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"text\":{\"type\":\"plain_text\","
                + "\"text\":\"" + env + "\"},\"value\":\"" + env + "\"}}},"
                + "\"param.Version\":{\"value\":{\"type\":\"plain_text_input\",\"value\":" + Json.write(version) + "}},"
                + "\"param.Pin\":{\"value\":{\"type\":\"plain_text_input\",\"value\":" + Json.write(pin) + "}}}}}}";
    }

    private String pressCancel(String user, String jobName, String messageTs) throws Exception {
        String path = "/response/" + java.util.UUID.randomUUID();
        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user + "\",\"team_id\":\"T0123456\"},"
                + "\"api_app_id\":\"A0123\",\"container\":{\"type\":\"message\",\"message_ts\":\"" + messageTs
                + "\",\"channel_id\":\"" + AzureStubs.OPS + "\"},\"trigger_id\":\"" + System.nanoTime() + ".1.2\","
                + "\"team\":{\"id\":\"T0123456\"},\"channel\":{\"id\":\"" + AzureStubs.OPS + "\"},"
                + "\"response_url\":\"" + slackApi.baseUrl() + path + "\","
                + "\"actions\":[{\"action_id\":\"runbook.cancel\",\"block_id\":\"runbook.job\",\"value\":\"" + jobName
                + "\",\"type\":\"button\",\"action_ts\":\"1700000006.1\"}]}";
        assertThat(postSlackInteraction(payload).statusCode()).isEqualTo(200);
        return path;
    }

    private static String approve(String user, String team, String actionId, String requestId) {
        return "{\"type\":\"block_actions\"," + (user == null ? "" : "\"user\":{\"id\":\"" + user + "\"},")
                + team + "\"api_app_id\":\"A0123\",\"container\":{\"type\":\"message\",\"message_ts\":\""
                + System.nanoTime() + ".2\",\"channel_id\":\"" + AzureStubs.OPS + "\"},\"trigger_id\":\""
                + System.nanoTime() + ".9\",\"channel\":{\"id\":\"" + AzureStubs.OPS + "\"},"
                + "\"response_url\":\"" + slackApi.baseUrl() + "/response/" + java.util.UUID.randomUUID() + "\","
                + "\"actions\":[{\"action_id\":\"" + actionId + "\",\"block_id\":\"runbook.approval\",\"value\":\""
                + requestId + "\",\"type\":\"button\",\"action_ts\":\"1700000006.1\"}]}";
    }

    /** A press of the Home tab's "Run…" button of {@code runbook} by {@code user}. */
    private static String homeRunPress(String user, String runbook, String trigger) {
        return "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user + "\",\"team_id\":\"T0123456\"},"
                + "\"team\":{\"id\":\"T0123456\"},\"api_app_id\":\"A0123\",\"trigger_id\":\"" + trigger + "\","
                + "\"container\":{\"type\":\"view\",\"view_id\":\"V0HOME\"},"
                + "\"actions\":[{\"action_id\":\"runbook-form." + runbook + "\",\"block_id\":\"home.runbooks\","
                + "\"type\":\"button\",\"action_ts\":\"" + System.nanoTime() + ".1\"}]}";
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
}
