package io.chatopshub.system.inbound;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.alerts.AlertsHubTest;
import io.chatopshub.cloudwatch.SnsTestSigner;
import io.chatopshub.system.Json;

/**
 * Headers a sender adds to an otherwise valid request change nothing: on every endpoint the
 * queued message carries only the edge's own headers, and a slash command's route sees none of
 * them. The queue's consumer is stopped while the test looks at the queued message.
 */
class HeaderInjectionTests extends AlertsHubTest {

    private static final String GITLAB_TOKEN = "gl-header-token-0123456789";
    private static final String FORGED_ID = "forged:delivery";
    private static final String CERT_PATH = "/SimpleNotificationService-headers.pem";
    /** What a hostile client adds to each request. */
    private static final Map<String, String> INJECTED = Map.of(
            "ChatopsAlertTick", "1",
            "ChatopsDeliveryId", FORGED_ID,
            "ChatopsKind", "forged",
            "ChatopsAlertEvent", "ticket",
            "JMSXGroupID", "hostile-group",
            "_AMQ_SCHED_DELIVERY", String.valueOf(System.currentTimeMillis() + 3_600_000),
            "X-Injected-Test", "yes");

    @Autowired
    CamelContext camel;
    @Autowired
    ConnectionFactory connectionFactory;

    @DynamicPropertySource
    static void headerTestProperties(DynamicPropertyRegistry registry) {
        registry.add("chatops.gitlab.webhook-token", () -> GITLAB_TOKEN);
    }

    /** A user's command route, /headers, that answers with the names of the headers it was given. */
    @BeforeEach
    void headersCommand() throws Exception {
        if (camel.getRoute("slack-command-headers") == null) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:slack-command-headers").routeId("slack-command-headers")
                            .process(e -> e.getMessage().setBody(
                                    "headers: " + String.join(",", e.getMessage().getHeaders().keySet())));
                }
            });
        }
    }

    private Map<String, String> with(Map<String, String> headers) {
        var all = new LinkedHashMap<>(INJECTED);
        all.putAll(headers);
        return all;
    }

    @Test
    void injectedHeadersDoNotReachTheSlackEventsQueue() throws Exception {
        String body = eventCallback("EvHEADERS1", mention("U0ALICE", "C0123456", "1700000100.000100", "hello"));
        Message queued = queuedBy("slack-handle-events", "chatops.slack.events",
                () -> post("/slack/events", "application/json", body, with(slackHeaders(body))), 200);
        assertOnlyEdgeHeaders(queued, "slackEvents", "slack:event:EvHEADERS1");
    }

    @Test
    void injectedHeadersDoNotReachTheSlackInteractionsQueue() throws Exception {
        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ALICE\"},\"container\":{\"message_ts\":\"1700000200.000100\"},"
                + "\"actions\":[{\"action_id\":\"headers-test\",\"action_ts\":\"1700000201.000100\"}]}";
        String body = form(Map.of("payload", payload));
        Message queued = queuedBy("slack-handle-interactions", "chatops.slack.interactions",
                () -> post("/slack/interactions", "application/x-www-form-urlencoded", body, with(slackHeaders(body))), 200);
        assertOnlyEdgeHeaders(queued, "slackInteractions", "slack:action:1700000200.000100:headers-test:U0ALICE");
    }

    @Test
    void injectedHeadersDoNotReachASlashCommandsRoute() throws Exception {
        String body = form(command("/headers", "", "C0123456", "U0ALICE"));
        var answer = post("/slack/commands", "application/x-www-form-urlencoded", body, with(slackHeaders(body)));
        assertThat(answer.statusCode()).isEqualTo(200);
        String seen = Json.readObject(answer.body()).path("text").asText();
        assertThat(seen).contains("ChatopsDeliveryId", "SlackCommand");
        for (String injected : INJECTED.keySet()) {
            if (!injected.equals("ChatopsDeliveryId") && !injected.equals("ChatopsKind")) {
                assertThat(seen).as("header names the command route saw").doesNotContain(injected);
            }
        }
        assertThat(seen).doesNotContain("Injected");
    }

    @Test
    void injectedHeadersDoNotReachTheAlertsQueueFromMackerel() throws Exception {
        String body = mackerel("alert-critical-host.json", "4gHeaderTst");
        Message queued = queuedBy("alerts-dispatch-pipelines", "chatops.alerts",
                () -> post("/hooks/mackerel?token=" + MACKEREL_TOKEN, "application/json", body, INJECTED), 202);
        assertOnlyEdgeHeaders(queued, "mackerelInbound", null);
        assertThat(queued.getStringProperty("ChatopsAlertEvent")).isEqualTo("alert");
        assertThat(queued.getStringProperty("ChatopsAlertSource")).isEqualTo("mackerel");
    }

    @Test
    void injectedHeadersDoNotReachTheAlertsQueueFromCloudwatch() throws Exception {
        SnsTestSigner signer = SnsTestSigner.create();
        snsApi.stubFor(get(urlPathEqualTo(CERT_PATH)).willReturn(aResponse().withStatus(200).withBody(signer.pem)));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "Notification");
        fields.put("MessageId", "0f6c7c1e-0000-4000-8000-0000000000aa");
        fields.put("TopicArn", TOPIC);
        fields.put("Subject", "ALARM: \"headers-test\" in Asia Pacific (Tokyo)");
        fields.put("Message", resource("/cloudwatch/alarm-alarm.json").strip().replace("api-5xx-high", "headers-test"));
        fields.put("Timestamp", java.time.Instant.now().toString());
        fields.put("UnsubscribeURL", snsApi.baseUrl() + "/?Action=Unsubscribe&SubscriptionArn=" + TOPIC + ":1");
        String body = SnsTestSigner.json(signer.signed(fields, "2", snsApi.baseUrl() + CERT_PATH));
        Message queued = queuedBy("alerts-dispatch-pipelines", "chatops.alerts",
                () -> post("/hooks/cloudwatch", "text/plain; charset=UTF-8", body, INJECTED), 200);
        assertOnlyEdgeHeaders(queued, "cloudwatchInbound", null);
        assertThat(queued.getStringProperty("ChatopsAlertEvent")).isEqualTo("alert");
        assertThat(queued.getStringProperty("ChatopsTopicArn")).isEqualTo(TOPIC);
    }

    @Test
    void injectedHeadersDoNotReachTheGitlabResultsQueueFromAPipelineHook() throws Exception {
        String body = """
                {"object_kind":"pipeline","object_attributes":{"id":987700,"iid":42,"ref":"main","tag":false,"sha":"a1b2",
                 "source":"trigger","status":"success","detailed_status":"passed","stages":["deploy"],
                 "finished_at":"2025-01-01 10:03:12 UTC","duration":192,
                 "variables":[{"key":"RELEASE","value":"true"},{"key":"channel","value":"C0HEADER1"},
                 {"key":"timestamp","value":"1700000300.000100"}],
                 "url":"https://gitlab.example.com/acme/web/-/pipelines/987700"},
                 "project":{"id":1234,"name":"web","web_url":"https://gitlab.example.com/acme/web",
                 "path_with_namespace":"acme/web","default_branch":"main"},"builds":[]}
                """;
        Message queued = queuedBy("gitlab-report-result", "chatops.gitlab.results",
                () -> post("/hooks/gitlab", "application/json", body, with(Map.of("X-Gitlab-Token", GITLAB_TOKEN))), 200);
        assertOnlyEdgeHeaders(queued, "gitlabPipelineHooks", null);
    }

    @Test
    void injectedHeadersDoNotReachTheGitlabResultsQueueFromADeployResult() throws Exception {
        String body = form(Map.of("token", GITLAB_TOKEN, "source", "gitlab", "result", "success", "channel", "C0HEADER2",
                "timestamp", "1700000400.000100"));
        Message queued = queuedBy("gitlab-report-result", "chatops.gitlab.results",
                () -> post("/hooks/deploy-result", "application/x-www-form-urlencoded", body, INJECTED), 200);
        assertOnlyEdgeHeaders(queued, "gitlabDeployResults", null);
    }

    interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /** Stops the queue's consumer, sends the request and returns what it queued. */
    private Message queuedBy(String consumerRouteId, String queue, Request request, int status) throws Exception {
        camel.getRouteController().stopRoute(consumerRouteId);
        try {
            var answer = request.send();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
            var jms = new JmsTemplate(connectionFactory);
            List<Message> messages = jms.browse(queue, (session, browser) -> {
                List<Message> all = new ArrayList<>();
                Collections.list(browser.getEnumeration()).forEach(m -> all.add((Message) m));
                return all;
            });
            assertThat(messages).as("messages on " + queue).hasSize(1);
            return messages.get(0);
        } finally {
            camel.getRouteController().startRoute(consumerRouteId);
        }
    }

    private static void assertOnlyEdgeHeaders(Message queued, String kind, String deliveryId) throws Exception {
        List<String> names = new ArrayList<>();
        Collections.list(queued.getPropertyNames()).forEach(n -> names.add((String) n));
        assertThat(names).doesNotContain("ChatopsAlertTick", "_AMQ_SCHED_DELIVERY", "JMSXGroupID")
                .noneMatch(n -> n.contains("Injected"));
        assertThat(queued.getStringProperty("JMSXGroupID")).isNull();
        assertThat(queued.getStringProperty("ChatopsKind")).isEqualTo(kind);
        assertThat(queued.getStringProperty("ChatopsDeliveryId")).isNotNull().isNotEqualTo(FORGED_ID);
        if (deliveryId != null) {
            assertThat(queued.getStringProperty("ChatopsDeliveryId")).isEqualTo(deliveryId);
        }
        if (!"mackerelInbound".equals(kind) && !"cloudwatchInbound".equals(kind)) {
            assertThat(names).doesNotContain("ChatopsAlertEvent");
        }
    }
}
