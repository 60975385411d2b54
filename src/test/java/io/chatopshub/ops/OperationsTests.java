package io.chatopshub.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.jms.ConnectionFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.util.ObjectUtils;

import io.chatopshub.system.DeadLetterQueue;

/** Health, metrics, the delivery log and the JMX controls, as an operator reaches them over HTTP. */
@ExtendWith(OutputCaptureExtension.class)
class OperationsTests extends OperatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    DeadLetterQueue deadLetters;

    @Test
    void probesAreOpenAndReadinessChecksTheBrokerAndTheDedupStore() throws Exception {
        var liveness = get("/actuator/health/liveness", false);
        var readiness = get("/actuator/health/readiness", false);
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(liveness.body()).path("status").asText()).isEqualTo("UP");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).doesNotContain("components");

        JsonNode detailed = JSON.readTree(get("/actuator/health/readiness", true).body());
        assertThat(detailed.path("components").path("broker").path("status").asText()).isEqualTo("UP");
        assertThat(detailed.path("components").path("dedupStore").path("status").asText()).isEqualTo("UP");
        assertThat(detailed.path("components").path("readinessState").path("status").asText()).isEqualTo("UP");
    }

    @Test
    void everyOperatorEndpointButHealthNeedsALogin() throws Exception {
        for (String path : new String[] {"/actuator/prometheus", "/actuator/jolokia/version", "/actuator/hawtio/",
                "/actuator/info", "/actuator"}) {
            assertThat(get(path, false).statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, true).statusCode()).as(path).isIn(200, 302);
        }
        var browser = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/hawtio/"))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(get("/actuator/hawtio/index.html", true).body()).containsIgnoringCase("hawtio");
        // Slack stays reachable without a login (and is refused for its missing signature only)
        assertThat(post("/slack/events", "application/json", "{}", Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void prometheusShowsAcknowledgementLatencyRouteCountsAndSlackCallLatency(CapturedOutput output) throws Exception {
        assertThat(postSlackEvent(eventCallback("Ev0OPS1", directMessage("D0OPS1", "1700000101.000100"))).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = get("/actuator/prometheus", true).body();
            assertThat(metrics)
                    .containsPattern("chatops_inbound_ack_seconds_bucket\\{[^}]*endpoint=\"/slack/events\"[^}]*le=\"3\\.0\"")
                    .containsPattern("chatops_outbound_calls_seconds_count\\{[^}]*integration=\"slack\""
                            + "[^}]*operation=\"chat.postMessage\"[^}]*outcome=\"success\"[^}]*} [1-9]")
                    .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"slack-receive-events\"[^}]*} [1-9]")
                    .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"slack-handle-events\"[^}]*} [1-9]")
                    .containsPattern("chatops_dlq_depth\\{[^}]*} [0-9]");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                .containsPattern("delivery route=slack-receive-events delivery_id=slack:event:Ev0OPS1 outcome=accepted "
                        + "latency_ms=\\d+ status=200")
                .containsPattern("delivery route=slack-handle-events delivery_id=slack:event:Ev0OPS1 outcome=done "
                        + "latency_ms=\\d+ attempt=1"));

        postSlackEvent(eventCallback("Ev0OPS1", directMessage("D0OPS1", "1700000101.000100")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                .containsPattern("delivery route=slack-receive-events delivery_id=slack:event:Ev0OPS1 outcome=duplicate"));
    }

    @Test
    void slackRateLimitsAndRetriesAreCounted(CapturedOutput output) throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("down"));
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).inScenario("busy").whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).inScenario("busy").whenScenarioStateIs("up")
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"channel\":\"D0OPS2\",\"ts\":\"1.2\"}")));

        postSlackEvent(eventCallback("Ev0OPS2", directMessage("D0OPS2", "1700000102.000100")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                slackApi.verify(3, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/actuator/prometheus", true).body())
                .containsPattern("chatops_outbound_rate_limited_total\\{[^}]*integration=\"slack\"[^}]*"
                        + "operation=\"chat.postMessage\"[^}]*} [1-9]")
                .containsPattern("chatops_outbound_calls_seconds_count\\{[^}]*integration=\"slack\""
                        + "[^}]*operation=\"chat.postMessage\"[^}]*outcome=\"http_5xx\"[^}]*} [1-9]")
                .containsPattern("chatops_retries_total\\{[^}]*reason=\"TransientFailureException\"[^}]*"
                        + "route=\"slack-handle-events\"[^}]*} [1-9]"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut()).containsPattern(
                "delivery route=slack-handle-events delivery_id=slack:event:Ev0OPS2 outcome=done latency_ms=\\d+ "
                        + "attempt=1 retries=1\\R"));
    }

    @Test
    void workTheBrokerDeliversAgainIsLoggedInOneLineWithoutAStackTrace(CapturedOutput output) throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).inScenario("down for a while")
                .whenScenarioStateIs(STARTED).willReturn(aResponse().withStatus(503)));
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).inScenario("down for a while")
                .whenScenarioStateIs("up").willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"channel\":\"D0OPS4\",\"ts\":\"1.4\"}")));

        postSlackEvent(eventCallback("Ev0OPS4", directMessage("D0OPS4", "1700000104.000100")));

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(output.getOut()).containsPattern(
                "WARN .* delivery route=slack-handle-events delivery_id=slack:event:Ev0OPS4 outcome=rolled-back "
                        + "latency_ms=\\d+ attempt=1 failure=TransientFailureException: Slack chat.postMessage answered "
                        + "HTTP 503"));
        slackApi.setScenarioState("down for a while", "up");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(output.getOut()).containsPattern(
                "delivery route=slack-handle-events delivery_id=slack:event:Ev0OPS4 outcome=done latency_ms=\\d+ attempt=2"));
        // the broker's retry is the hub's ordinary way to retry: its own line says it, with no trace of the listener
        assertThat(output.getOut()).doesNotContain("\tat org.apache.camel.component.jms.EndpointMessageListener");
    }

    @Test
    void workThatFailsForGoodIsLoggedAsDeadLetteredAndCountedInTheDepthGauge(CapturedOutput output) throws Exception {
        deadLetters.purge();
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"channel_not_found\"}")));

        postSlackEvent(eventCallback("Ev0OPS3", directMessage("D0GONE", "1700000103.000100")));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(output.getOut()).containsPattern(
                "WARN .* delivery route=slack-handle-events delivery_id=slack:event:Ev0OPS3 outcome=dead-lettered "
                        + "latency_ms=\\d+ attempt=1 failure=PermanentFailureException: Slack chat.postMessage failed: "
                        + "channel_not_found"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(get("/actuator/prometheus", true).body())
                .containsPattern("chatops_dlq_depth\\{[^}]*} 1\\.0"));
        deadLetters.purge();
    }

    @Test
    void aReplayFromTheConsoleRecordsTheOperatorWhoAskedForIt(CapturedOutput output) throws Exception {
        String reference = deadLetters.park("chatops.test.replayed", "{\"work\":1}", Map.of(), "test: parked for a replay");
        // other hubs of this test JVM have their own DeadLetterQueue MBean: this hub's is named by its bean's identity
        String identity = "identity=" + ObjectUtils.getIdentityHexString(deadLetters);
        String dlq = null;
        for (JsonNode name : JSON.readTree(get("/actuator/jolokia/search/io.chatopshub:type=DeadLetterQueue,*", true).body())
                .path("value")) {
            if (name.asText().contains(identity)) {
                dlq = name.asText();
            }
        }
        assertThat(dlq).as("this hub's DeadLetterQueue MBean (%s)", identity).isNotNull();
        String replay = "{\"type\":\"exec\",\"mbean\":\"" + dlq + "\",\"operation\":\"replay(java.lang.String)\","
                + "\"arguments\":[\"" + reference + "\"]}";
        String token = xsrfCookie(get("/actuator/jolokia/version", true)).orElseThrow();

        var answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/jolokia"))
                .header("Authorization", basicAuth()).header("Content-Type", "application/json")
                .header("Cookie", "XSRF-TOKEN=" + token).header("X-XSRF-TOKEN", token)
                .POST(HttpRequest.BodyPublishers.ofString(replay)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(JSON.readTree(answer.body()).path("value").asInt()).as(answer.body()).isEqualTo(1);
        assertThat(output.getOut()).contains("replayed " + reference + " to chatops.test.replayed (from chatops.test.replayed) by jmx:"
                + OPERATOR);
        String replayedBy = new JmsTemplate(connectionFactory).browse("chatops.test.replayed", (session, browser) ->
                browser.getEnumeration().hasMoreElements()
                        ? ((jakarta.jms.Message) browser.getEnumeration().nextElement()).getStringProperty(DeadLetterQueue.REPLAYED_BY)
                        : null);
        assertThat(replayedBy).isEqualTo("jmx:" + OPERATOR);
    }

    @Test
    void theHubsControlsAndTheRoutesAreInTheJmxTreeAndJolokiaPostsNeedTheCsrfToken() throws Exception {
        JsonNode hub = JSON.readTree(get("/actuator/jolokia/search/io.chatopshub:*", true).body());
        String dlq = null;
        for (JsonNode name : hub.path("value")) {
            if (name.asText().contains("type=DeadLetterQueue")) {
                dlq = name.asText();
            }
        }
        assertThat(dlq).as("DeadLetterQueue MBean in %s", hub).isNotNull();
        assertThat(hub.path("value").toString()).contains("type=Releases", "type=RunbookJobs");
        JsonNode routes = JSON.readTree(get("/actuator/jolokia/search/org.apache.camel:type=routes,*", true).body());
        assertThat(routes.path("value").toString()).contains("slack-receive-events", "slack-handle-events");

        String purge = "{\"type\":\"exec\",\"mbean\":\"" + dlq + "\",\"operation\":\"purge()\",\"arguments\":[]}";
        var withoutToken = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/jolokia"))
                .header("Authorization", basicAuth()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(purge)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withoutToken.statusCode()).isEqualTo(403);

        String token = xsrfCookie(get("/actuator/jolokia/version", true)).orElseThrow();
        var withToken = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/hawtio/jolokia"))
                .header("Authorization", basicAuth()).header("Content-Type", "application/json")
                .header("Cookie", "XSRF-TOKEN=" + token).header("X-XSRF-TOKEN", token)
                .POST(HttpRequest.BodyPublishers.ofString(purge)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(withToken.body());
        assertThat(answer.path("status").asInt()).as(withToken.body()).isEqualTo(200);
        assertThat(answer.path("value").isInt()).isTrue();
    }

    @Test
    void routeStatisticsDumpAnswersDespiteJmxAnnotatedBeanStepsAndCountsSteps() throws Exception {
        assertThat(postSlackEvent(eventCallback("Ev0OPS9", directMessage("D0OPS9", "1700000109.000100"))).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))));
        String context = JSON.readTree(get("/actuator/jolokia/search/org.apache.camel:type=context,*", true).body())
                .path("value").get(0).asText();
        String token = xsrfCookie(get("/actuator/jolokia/version", true)).orElseThrow();
        String dump = "{\"type\":\"exec\",\"mbean\":\"" + context.replace("\"", "\\\"")
                + "\",\"operation\":\"dumpRoutesStatsAsXml(boolean,boolean)\",\"arguments\":[false,true]}";

        var answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/jolokia"))
                .header("Authorization", basicAuth()).header("Content-Type", "application/json")
                .header("Cookie", "XSRF-TOKEN=" + token).header("X-XSRF-TOKEN", token)
                .POST(HttpRequest.BodyPublishers.ofString(dump)).build(), HttpResponse.BodyHandlers.ofString());

        JsonNode result = JSON.readTree(answer.body());
        assertThat(result.path("status").asInt()).as(answer.body()).isEqualTo(200);
        String xml = result.path("value").asText();
        assertThat(xml).contains("<routeStat id=\"slack-receive-events\"", "<processorStat id=");
        assertThat(xml).containsPattern("<routeStat id=\"slack-handle-events\"[^>]*exchangesTotal=\"[1-9]");
        assertThat(xml).containsPattern("<processorStat id=\"[^\"]+\"[^>]*exchangesTotal=\"[1-9]");
    }

    private static Optional<String> xsrfCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("XSRF-TOKEN="))
                .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst();
    }

    private static String directMessage(String channel, String ts) {
        return "{\"type\":\"message\",\"channel\":\"" + channel + "\",\"channel_type\":\"im\",\"user\":\"U0ALICE\","
                + "\"text\":\"hello\",\"ts\":\"" + ts + "\",\"event_ts\":\"" + ts + "\"}";
    }
}
