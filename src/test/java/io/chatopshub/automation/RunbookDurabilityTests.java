package io.chatopshub.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.ChatopsHubApplication;
import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.Json;
import io.chatopshub.testing.HubSettled;

/**
 * What rests on delayed broker messages: an approval request expires on time, and a job keeps
 * being followed by the next hub started on the same data directory after the first one stopped.
 */
class RunbookDurabilityTests extends HubIntegrationTest {

    @RegisterExtension
    static final AzureStubs azure = new AzureStubs();

    @Autowired
    ConfigurableApplicationContext hub;

    @DynamicPropertySource
    static void azureProperties(DynamicPropertyRegistry registry) {
        azure.properties("300ms", "2s").forEach((key, value) -> registry.add(key, () -> value));
        registry.add("chatops.azure.tracking-limit", () -> "2s");
    }

    @Test
    void anApprovalRequestExpiresAndALatePressIsRefused() throws Exception {
        var fields = command("/runbook", "Rotate-Keys", AzureStubs.OPS, "U0ALICE");
        String requestId = fields.get("trigger_id");

        assertThat(Json.readObject(postSlackCommand(fields).body()).path("text").asText())
                .contains("must approve it within 2 seconds");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("text", equalTo("Rotate-Keys needs approval"))));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.update"))
                        .withFormParam("ts", equalTo(RunbookFlowTests.MESSAGE_TS))
                        .withFormParam("text", equalTo("Rotate-Keys approval expired"))
                        .withFormParam("blocks", containing("Nobody approved it within 2 seconds; it did not run."))));

        String path = "/response/late-" + System.nanoTime();
        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0BOB\",\"username\":\"bob\",\"team_id\":\"T0123456\"},"
                + "\"api_app_id\":\"A0123\",\"container\":{\"type\":\"message\",\"message_ts\":\""
                + RunbookFlowTests.messageTs(requestId) + "\",\"channel_id\":\"C0123456\",\"is_ephemeral\":false},"
                + "\"trigger_id\":\"9.8.7\",\"team\":{\"id\":\"T0123456\",\"domain\":\"acme\"},\"channel\":{\"id\":\"C0123456\",\"name\":\"ops\"},"
                + "\"response_url\":\"" + slackApi.baseUrl() + path + "\","
                + "\"actions\":[{\"action_id\":\"runbook.approve\",\"block_id\":\"runbook.approval\",\"value\":\""
                + requestId + "\",\"type\":\"button\",\"action_ts\":\"1700000009.1\"}]}";
        postSlackInteraction(payload);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson("{\"response_type\":\"ephemeral\","
                        + "\"replace_original\":false,\"text\":\":no_entry: This request can no longer be decided: "
                        + "it expired; nobody approved it within 2 seconds.\"}"))));
        assertThat(azure.arm.getAllServeEvents()).isEmpty();
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.update")));
    }

    @Test
    void aJobRunningLongerThanTheTrackingLimitIsNoLongerFollowedAndTheMessageSaysSo() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=web", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Running"), "never read");

        postSlackCommand(fields);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo(RunbookFlowTests.MESSAGE_TS))
                        .withFormParam("text", equalTo(":hourglass: The hub stopped watching this job after 2 seconds; "
                                + "its status here may be out of date. Look it up in the Azure portal."))));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.update"))
                .withFormParam("text", equalTo(":runner: Restart-WebApp: Running"))
                .withFormParam("blocks", containing("stopped watching this job after 2 seconds")));
        int polls = polls(jobName);
        awaitHubSettled();
        assertThat(polls(jobName)).as("no polls after giving up").isEqualTo(polls);
        azure.arm.verify(0, getRequestedFor(urlEqualTo(AzureStubs.outputUrl(jobName))));
    }

    @Test
    void aJobIsStillFollowedAfterTheHubRestartsAndItsEndReportedOnce() throws Exception {
        var fields = command("/runbook", "Restart-WebApp AppName=web", AzureStubs.OPS, "U0ALICE");
        String jobName = JobNames.fromTriggerId(fields.get("trigger_id"));
        azure.jobGoesThrough(jobName, List.of("Running"), "finished after the restart");
        String[] settings = restartableHub(Files.createTempDirectory(Path.of("target"), "hub-restart-"));

        CamelContext firstCamel;
        try (ConfigurableApplicationContext first = startHub(settings)) {
            firstCamel = first.getBean(CamelContext.class);
            String body = form(fields);
            var answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                            + first.getEnvironment().getProperty("local.server.port") + "/slack/commands"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .headers(slackHeaders(body).entrySet().stream().flatMap(h -> Stream.of(h.getKey(), h.getValue()))
                            .toArray(String[]::new))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                    postRequestedFor(urlPathEqualTo("/api/chat.update")).withFormParam("text", equalTo(":runner: Restart-WebApp: Running"))));
        }

        // the job's next poll waits in the stopped hub's journal; nothing of that hub runs any more
        assertThat(firstCamel.isStopped()).isTrue();
        int pollsBefore = polls(jobName);
        azure.arm.stubFor(get(urlEqualTo(AzureStubs.jobUrl(jobName))).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(AzureStubs.job(jobName, "Completed"))));

        try (ConfigurableApplicationContext second = startHub(settings)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> slackApi.verify(1,
                    postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                            .withFormParam("thread_ts", equalTo(RunbookFlowTests.MESSAGE_TS))
                            .withFormParam("blocks", containing("finished after the restart"))));
            HubSettled.await(second);
        }

        assertThat(polls(jobName) - pollsBefore).as("one poll, by the second hub, after the first one stopped").isEqualTo(1);

        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.update"))
                .withFormParam("text", equalTo(":white_check_mark: Restart-WebApp: Completed")));
        slackApi.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.update")));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("thread_ts", absent()));
        slackApi.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
        azure.arm.verify(1, putRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName))));
    }

    private static int polls(String jobName) {
        return azure.arm.countRequestsMatching(getRequestedFor(urlEqualTo(AzureStubs.jobUrl(jobName))).build()).getCount();
    }

    /** The settings of this class's hub, on a data directory of its own, as command-line arguments. */
    private String[] restartableHub(Path dataDir) {
        Map<String, String> settings = new LinkedHashMap<>(azure.properties("300ms", "2s"));
        for (String key : List.of("chatops.slack.signing-secret", "chatops.slack.bot-token", "chatops.slack.url",
                "chatops.slack.alert-channel")) {
            settings.put(key, hub.getEnvironment().getProperty(key));
        }
        settings.put("chatops.data-dir", dataDir.toString());
        settings.put("server.port", "0");
        return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static ConfigurableApplicationContext startHub(String[] settings) {
        return new SpringApplicationBuilder(ChatopsHubApplication.class).run(settings);
    }
}
