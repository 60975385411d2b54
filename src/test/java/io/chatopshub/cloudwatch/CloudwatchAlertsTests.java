package io.chatopshub.cloudwatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.http.RequestMethod.PATCH;
import static com.github.tomakehurst.wiremock.http.RequestMethod.POST;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatopshub.alerts.AlertPipelines;
import io.chatopshub.alerts.AlertsHubTest;
import io.chatopshub.system.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;

/** SNS deliveries of CloudWatch alarms through the HTTP endpoint, signed like SNS signs them. */
class CloudwatchAlertsTests extends AlertsHubTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CERT_PATH = "/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
    private static final String ARN = "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:api-5xx-high";
    private static SnsTestSigner signer;

    @Autowired
    private EmbeddedActiveMQ broker;

    @BeforeAll
    static void keys() {
        signer = SnsTestSigner.create();
    }

    @BeforeEach
    void certificate() {
        snsApi.stubFor(get(urlPathEqualTo(CERT_PATH)).willReturn(aResponse().withStatus(200).withBody(signer.pem)));
    }

    private static String certUrl() {
        return snsApi.baseUrl() + CERT_PATH;
    }

    private static Map<String, String> notification(String messageId, String alarmFile, String alarmName) {
        return notification(messageId, alarmFile, alarmName, TOPIC);
    }

    private static Map<String, String> notification(String messageId, String alarmFile, String alarmName, String topic) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "Notification");
        fields.put("MessageId", messageId);
        fields.put("TopicArn", topic);
        fields.put("Subject", "ALARM: \"" + alarmName + "\" in Asia Pacific (Tokyo)");
        fields.put("Message", resource("/cloudwatch/" + alarmFile).strip().replace("api-5xx-high", alarmName));
        fields.put("Timestamp", Instant.now().minusSeconds(2).toString());
        fields.put("UnsubscribeURL", snsApi.baseUrl() + "/?Action=Unsubscribe&SubscriptionArn=" + TOPIC + ":1");
        return fields;
    }

    private static Map<String, String> confirmation(String messageId, String token) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "SubscriptionConfirmation");
        fields.put("MessageId", messageId);
        fields.put("Token", token);
        fields.put("TopicArn", TOPIC);
        fields.put("Message", "You have chosen to subscribe to the topic " + TOPIC
                + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
        fields.put("SubscribeURL", snsApi.baseUrl() + "/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=" + token);
        fields.put("Timestamp", Instant.now().minusSeconds(2).toString());
        return fields;
    }

    private HttpResponse<String> postSns(Map<String, String> fields, Map<String, String> headers) throws Exception {
        var all = new LinkedHashMap<String, String>();
        all.put("x-amz-sns-message-type", fields.getOrDefault("Type", "Notification"));
        all.put("x-amz-sns-message-id", fields.getOrDefault("MessageId", "none"));
        all.put("x-amz-sns-topic-arn", fields.getOrDefault("TopicArn", "none"));
        all.putAll(headers);
        return post("/hooks/cloudwatch", "text/plain; charset=UTF-8", SnsTestSigner.json(fields), all);
    }

    @Test
    void signedAlarmAndOkInSignatureVersionsOneAndTwoFollowOneSlackMessageAndOneIssue() throws Exception {
        String name = "api-5xx-high-v12";
        var alarm = signer.signed(notification("0f6c7c1e-0000-4000-8000-000000000001", "alarm-alarm.json", name), "1", certUrl());
        assertThat(postSns(alarm, Map.of()).statusCode()).isEqualTo(200);
        assertThat(postSns(alarm, Map.of()).statusCode()).isEqualTo(200);

        String headline = name + " state is now ALARM: Threshold Crossed: 1 out of the last 1 datapoints [12.0 (21/11/26 09:59:00)]"
                + " was greater than the threshold (10.0) (minimum 1 datapoint for OK -&gt; ALARM transition).";
        await().atMost(WAIT).until(() -> slack("chat.postMessage", f -> headline.equals(f.get("text"))).size() == 1);
        Map<String, String> post = slack("chat.postMessage", f -> headline.equals(f.get("text"))).get(0);
        assertThat(post).containsEntry("channel", CHANNEL).doesNotContainKey("thread_ts");
        String ts = post.get("answer.ts");
        await().atMost(WAIT).until(() -> backlog(POST, "/api/v2/issues").size() == 1);
        assertThat(formOf(backlog(POST, "/api/v2/issues").get(0).getBodyAsString()))
                .containsEntry("summary", "critical@AWS/ApplicationELB HTTPCode_Target_5XX_Count (LoadBalancer=app/shop-api/50dc6c495c0c9188)"
                        + " - " + name + " (occurred at 2026-11-21 10:00 UTC)")
                .hasEntrySatisfying("description", d -> assertThat(d).contains("Alert ID: " + ARN.replace("api-5xx-high", name) + "\n"
                        + "Source: cloudwatch\n"));

        var ok = signer.signed(notification("0f6c7c1e-0000-4000-8000-000000000002", "alarm-ok.json", name), "2", certUrl());
        assertThat(postSns(ok, Map.of()).statusCode()).isEqualTo(200);
        String okHeadline = name + " state is now OK: Threshold Crossed: 1 out of the last 1 datapoints [2.0 (21/11/26 10:09:00)]"
                + " was not greater than the threshold (10.0) (minimum 1 datapoint for ALARM -&gt; OK transition).";
        await().atMost(WAIT).until(() -> !slack("chat.postMessage", f -> ts.equals(f.get("thread_ts"))).isEmpty()
                && !slack("chat.update", f -> ts.equals(f.get("ts")) && okHeadline.equals(f.get("text"))).isEmpty());
        assertThat(slack("chat.postMessage", f -> ts.equals(f.get("thread_ts")))).singleElement()
                .satisfies(reply -> assertThat(reply).containsEntry("text", okHeadline).containsEntry("channel", CHANNEL));
        await().atMost(WAIT).until(() -> backlog(PATCH, "/api/v2/issues/.*").size() == 1);
        assertThat(formOf(backlog(PATCH, "/api/v2/issues/.*").get(0).getBodyAsString())).containsEntry("statusId", "4");

        assertThat(slack("chat.postMessage", f -> f.get("thread_ts") == null)).hasSize(1);
        assertThat(backlog(POST, "/api/v2/issues")).hasSize(1)
                .allSatisfy(r -> assertThat(formOf(r.getBodyAsString())).containsEntry("projectId", "10"));
        assertThat(snsApi.findAll(getRequestedFor(urlPathEqualTo(CERT_PATH)))).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void alarmsOfTheBillingTopicAlsoGoToTheSecondBacklogProjectOfThePipelineAddedInYaml() throws Exception {
        String name = "billing-estimated-charges";
        var alarm = signer.signed(notification("0f6c7c1e-0000-4000-8000-0000000000b1", "alarm-alarm.json", name, BILLING_TOPIC),
                "2", certUrl());
        assertThat(postSns(alarm, Map.of()).statusCode()).isEqualTo(200);

        await().atMost(WAIT).until(() -> backlog(POST, "/api/v2/issues").size() == 2
                && slack("chat.postMessage", f -> f.get("text").startsWith(name + " state is now ALARM")).size() == 1);
        assertThat(backlog(POST, "/api/v2/issues").stream().map(r -> formOf(r.getBodyAsString())))
                .anySatisfy(f -> assertThat(f).containsEntry("projectId", "77").containsEntry("issueTypeId", "88")
                        .containsEntry("priorityId", "2"))
                .anySatisfy(f -> assertThat(f).containsEntry("projectId", "10").containsEntry("issueTypeId", "20")
                        .containsEntry("priorityId", "3"));
        assertThat(backlog(com.github.tomakehurst.wiremock.http.RequestMethod.GET, "/api/v2/issues"))
                .anySatisfy(r -> assertThat(r.queryParameter("projectId[]").firstValue()).isEqualTo("77"));

        var ok = signer.signed(notification("0f6c7c1e-0000-4000-8000-0000000000b2", "alarm-ok.json", name, BILLING_TOPIC),
                "1", certUrl());
        assertThat(postSns(ok, Map.of()).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> backlog(PATCH, "/api/v2/issues/.*").size() == 2);
        assertThat(backlog(POST, "/api/v2/issues")).hasSize(2);
    }

    @Test
    void eachAlertIsCopiedOnlyToThePipelinesWhoseSourceAndTopicTakeIt() throws Exception {
        awaitHubSettled();
        Map<String, Long> start = pipelineCopies();
        assertThat(postMackerel(mackerel("alert-critical-host.json", "4gFanOut001"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> backlog(POST, "/api/v2/issues").size() == 1);
        awaitHubSettled();
        Map<String, Long> afterMackerel = pipelineCopies();
        // the alert and the ticket event its issue produced: only the Mackerel pipelines get copies,
        // and the pipeline written by hand (not from a template: no parameters to filter by)
        assertThat(added(start, afterMackerel)).containsEntry("cloudwatch-slack", 0L).containsEntry("cloudwatch-backlog", 0L)
                .containsEntry("billing-backlog", 0L)
                .hasEntrySatisfying("mackerel-slack", n -> assertThat(n).isPositive())
                .hasEntrySatisfying("mackerel-backlog", n -> assertThat(n).isPositive())
                .hasEntrySatisfying("hand-written", n -> assertThat(n).isPositive());

        var alarm = signer.signed(notification("0f6c7c1e-0000-4000-8000-0000000000f1", "alarm-alarm.json", "fan-out-alarm"), "2", certUrl());
        assertThat(postSns(alarm, Map.of()).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> backlog(POST, "/api/v2/issues").size() == 2);
        awaitHubSettled();
        // an alarm of the default topic: the CloudWatch pipelines, not the billing topic's one
        assertThat(added(afterMackerel, pipelineCopies())).containsEntry("mackerel-slack", 0L).containsEntry("mackerel-backlog", 0L)
                .containsEntry("billing-backlog", 0L)
                .hasEntrySatisfying("cloudwatch-slack", n -> assertThat(n).isPositive())
                .hasEntrySatisfying("cloudwatch-backlog", n -> assertThat(n).isPositive())
                .hasEntrySatisfying("hand-written", n -> assertThat(n).isPositive());
        assertThat(backlog(POST, "/api/v2/issues")).hasSize(2);
    }

    /** Messages the broker has put on each alert pipeline's queue so far, by pipeline name. */
    private Map<String, Long> pipelineCopies() {
        var server = broker.getActiveMQServer();
        Map<String, Long> copies = new LinkedHashMap<>();
        for (String name : List.of("mackerel-slack", "mackerel-backlog", "cloudwatch-slack", "cloudwatch-backlog", "billing-backlog",
                "hand-written")) {
            var queue = server.locateQueue(SimpleString.of(AlertPipelines.QUEUE_PREFIX + name));
            copies.put(name, queue == null ? 0L : queue.getMessagesAdded());
        }
        return copies;
    }

    private static Map<String, Long> added(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> added = new LinkedHashMap<>();
        after.forEach((name, count) -> added.put(name, count - before.getOrDefault(name, 0L)));
        return added;
    }

    @Test
    void subscriptionConfirmationsInBothVersionsAreConfirmedAndAFailedConfirmationIsRetried() throws Exception {
        snsApi.stubFor(get(urlPathEqualTo("/")).withQueryParam("Action", equalTo("ConfirmSubscription"))
                .inScenario("confirm").whenScenarioStateIs(STARTED).willSetStateTo("up")
                .willReturn(aResponse().withStatus(503)));
        snsApi.stubFor(get(urlPathEqualTo("/")).withQueryParam("Action", equalTo("ConfirmSubscription"))
                .inScenario("confirm").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withBody("<ConfirmSubscriptionResponse><ConfirmSubscriptionResult>"
                        + "<SubscriptionArn>" + TOPIC + ":2bcfbf39</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>")));

        var v1 = signer.signed(confirmation("165545c9-0000-4000-8000-000000000001", "2336412f37fb687f5d51e6e2425dacbba9d1b3b1"), "1", certUrl());
        var v2 = signer.signed(confirmation("165545c9-0000-4000-8000-000000000002", "99c1d6b2ec5ad3f0f1b2c3d4e5f60718293a4b5c"), "2", certUrl());
        var answer = postSns(v1, Map.of());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(postSns(v2, Map.of()).statusCode()).isEqualTo(200);
        assertThat(postSns(v1, Map.of()).statusCode()).isEqualTo(200);

        await().atMost(WAIT).untilAsserted(() -> {
            snsApi.verify(2, getRequestedFor(urlPathEqualTo("/")).withQueryParam("Action", equalTo("ConfirmSubscription"))
                    .withQueryParam("Token", equalTo("2336412f37fb687f5d51e6e2425dacbba9d1b3b1")));
            snsApi.verify(1, getRequestedFor(urlPathEqualTo("/")).withQueryParam("Action", equalTo("ConfirmSubscription"))
                    .withQueryParam("TopicArn", equalTo(TOPIC))
                    .withQueryParam("Token", equalTo("99c1d6b2ec5ad3f0f1b2c3d4e5f60718293a4b5c")));
        });
        awaitHubSettled();
        snsApi.verify(3, getRequestedFor(urlPathEqualTo("/")));
        assertThat(slackApi.getAllServeEvents()).isEmpty();
        assertThat(backlogApi.getAllServeEvents()).isEmpty();
    }

    @Test
    void aSubscriptionSnsRefusesToConfirmIsToldOnceInTheOpsChannel() throws Exception {
        String token = "0a1b2c3d4e5f60718293a4b5c6d7e8f900000403";
        snsApi.stubFor(get(urlPathEqualTo("/")).withQueryParam("Action", equalTo("ConfirmSubscription"))
                .withQueryParam("Token", equalTo(token)).atPriority(1)
                .willReturn(aResponse().withStatus(403).withBody("<ErrorResponse><Error><Code>AuthorizationError</Code>"
                        + "</Error></ErrorResponse>")));

        var confirmation = signer.signed(confirmation("165545c9-0000-4000-8000-000000000403", token), "2", certUrl());
        assertThat(postSns(confirmation, Map.of()).statusCode()).isEqualTo(200);

        await().atMost(WAIT).until(() -> opsMessages().size() == 1);
        String text = opsMessages().get(0).get("text");
        assertThat(text).startsWith(":no_entry: The SNS subscription to `" + TOPIC + "` could not be confirmed: SNS sends"
                        + " this topic's CloudWatch alarms nowhere until it is.\n*Why:* ")
                .contains("HTTP 403").contains("*Dead-letter id:* `DLQ-");
        awaitHubSettled();
        assertThat(opsMessages()).hasSize(1);
        snsApi.verify(1, getRequestedFor(urlPathEqualTo("/")).withQueryParam("Token", equalTo(token)));
    }

    private static List<Map<String, String>> opsMessages() {
        return slack("chat.postMessage", f -> f.getOrDefault("text", "").startsWith(":no_entry: The SNS subscription"));
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aCertificateHostThatDoesNotAnswerIsA503WithOneWarningLine(CapturedOutput output) throws Exception {
        String path = "/SimpleNotificationService-0000000000000000000000000000503.pem";
        snsApi.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(503)));
        var alarm = signer.signed(notification("0f6c7c1e-0000-4000-8000-000000000503", "alarm-alarm.json", "cert-503"), "2",
                snsApi.baseUrl() + path);

        var answer = postSns(alarm, Map.of());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body()).contains("\"error\":\"unavailable\"");
        List<String> lines = output.getAll().lines().dropWhile(l -> !l.contains("could not accept delivery")).toList();
        assertThat(lines).as("the line about the refused delivery").isNotEmpty();
        assertThat(lines.get(0)).contains(" WARN ", "route cloudwatch-receive-sns", "SNS signing certificate",
                "answered HTTP 503");
        // a stack trace is written with its line, in the same event
        assertThat(lines.stream().skip(1).findFirst().orElse("")).as("no stack trace after it")
                .doesNotStartWith("\t").doesNotStartWith("io.chatopshub");
    }

    @Test
    void forgedWrongTopicBadCertificateUrlAndRawDeliveriesAreRefusedAndNothingIsSent() throws Exception {
        var forged = notification("0f6c7c1e-0000-4000-8000-00000000000f", "alarm-alarm.json", "forged");
        forged.put("SignatureVersion", "2");
        forged.put("Signature", SnsTestSigner.sign(SnsTestSigner.strangerKey(), "2", SnsTestSigner.stringToSign(forged)));
        forged.put("SigningCertURL", certUrl());
        assertRefused(postSns(forged, Map.of()), 401);

        var tampered = signer.signed(notification("0f6c7c1e-0000-4000-8000-00000000000e", "alarm-alarm.json", "tampered"), "1", certUrl());
        tampered.put("Message", tampered.get("Message").replace("\"ALARM\"", "\"OK\""));
        assertRefused(postSns(tampered, Map.of()), 401);

        var otherTopic = notification("0f6c7c1e-0000-4000-8000-00000000000d", "alarm-alarm.json", "other-topic");
        otherTopic.put("TopicArn", "arn:aws:sns:ap-northeast-1:123456789012:someone-elses");
        assertRefused(postSns(signer.signed(otherTopic, "2", certUrl()), Map.of()), 401);

        var otherTopicConfirmation = confirmation("165545c9-0000-4000-8000-00000000000d", "aaaa");
        otherTopicConfirmation.put("TopicArn", "arn:aws:sns:ap-northeast-1:123456789012:someone-elses");
        assertRefused(postSns(signer.signed(otherTopicConfirmation, "1", certUrl()), Map.of()), 401);

        for (String badUrl : new String[] {"https://sns.ap-northeast-1.amazonaws.com.evil.example/cert.pem",
                snsApi.baseUrl() + "/cert.txt", snsApi.baseUrl().replace("localhost", "127.0.0.1") + CERT_PATH}) {
            var fields = signer.signed(notification("0f6c7c1e-0000-4000-8000-00000000000c", "alarm-alarm.json", "bad-cert"), "2", badUrl);
            assertRefused(postSns(fields, Map.of()), 401);
        }

        var raw = signer.signed(notification("0f6c7c1e-0000-4000-8000-00000000000b", "alarm-alarm.json", "raw"), "2", certUrl());
        assertRefused(postSns(raw, Map.of("x-amz-sns-rawdelivery", "true")), 400);
        var bareRaw = post("/hooks/cloudwatch", "text/plain; charset=UTF-8", resource("/cloudwatch/alarm-alarm.json"),
                Map.of("x-amz-sns-rawdelivery", "true"));
        assertRefused(bareRaw, 400);

        awaitHubSettled();
        assertThat(slackApi.getAllServeEvents()).isEmpty();
        assertThat(backlogApi.getAllServeEvents()).isEmpty();
        snsApi.verify(0, getRequestedFor(urlPathEqualTo("/cert.txt")));
        snsApi.verify(0, getRequestedFor(urlPathEqualTo("/")));
        assertThat(snsApi.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r -> assertThat(r.getUrl()).isEqualTo(CERT_PATH));
    }

    private static void assertRefused(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(Json.readObject(response.body()).path("error").asText()).isNotBlank();
    }
}
