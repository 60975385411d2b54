package io.chatopshub.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.chatopshub.slack.SlackProperties;
import io.chatopshub.system.IntegrationStatus;
import io.chatopshub.system.Json;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.bean.override.convention.TestBean;

/** Without a bot token, alerts go to the incoming webhook: new messages only, still paced and retried. */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class IncomingWebhookTests extends AlertsHubTest {

    private static final String HOOK_PATH = "/services/T0123456/B0123456/hookSecret0123456789";

    @Autowired
    List<IntegrationStatus> integrations;

    /** The shared test hub always has a bot token; this one has only the incoming webhook. */
    @TestBean
    SlackProperties slackProperties;

    static SlackProperties slackProperties() {
        return new SlackProperties(SIGNING_SECRET, null, URI.create(slackApi.baseUrl()), CHANNEL, slackApi.baseUrl() + HOOK_PATH);
    }

    @Test
    void alertsAndTheirRecoveryArePostedToTheIncomingWebhookPacedAndRetriedAfter429() throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo(HOOK_PATH)).inScenario("hook").whenScenarioStateIs(STARTED)
                .willSetStateTo("open").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2").withBody("rate_limited")));
        slackApi.stubFor(WireMock.post(urlPathEqualTo(HOOK_PATH)).inScenario("hook").whenScenarioStateIs("open")
                .willReturn(aResponse().withStatus(200).withBody("ok")));

        assertThat(postMackerel(mackerel("alert-warning-host.json", "4gWebhook01"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        assertThat(postMackerel(mackerel("alert-critical-service.json", "4gWebhook02"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered().size() == 2);
        assertThat(postMackerel(mackerel("alert-ok-host.json", "4gWebhook01"), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered().size() == 3);

        List<LoggedRequest> calls = hookCalls();
        assertThat(calls).hasSize(4);
        assertThat(calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime()).isGreaterThanOrEqualTo(2000);
        for (int i = 1; i < calls.size(); i++) {
            assertThat(calls.get(i).getLoggedDate().getTime() - calls.get(i - 1).getLoggedDate().getTime())
                    .isGreaterThanOrEqualTo(1000);
        }
        assertThat(delivered()).extracting(r -> Json.readObject(r.getBodyAsString()).path("text").asText())
                .containsExactlyInAnyOrder("[WARNING] CPU usage @ web-01: CPU % 82.5 &gt; 80",
                        "[CRITICAL] shop - orders.failed @ shop: orders.failed 12 &gt; 10",
                        "[OK] CPU usage @ web-01: CPU % 12.0");
        assertThat(delivered()).allSatisfy(r -> {
            var payload = Json.readObject(r.getBodyAsString());
            assertThat(payload.path("blocks").isArray()).isTrue();
            assertThat(payload.has("thread_ts")).isFalse();
        });
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));

        IntegrationStatus alerts = integrations.stream().filter(i -> i.name().equals("alerts")).findFirst().orElseThrow();
        assertThat(alerts.mode()).isEqualTo(IntegrationStatus.Mode.CONFIGURED);
        assertThat(alerts.detail()).contains("incoming webhook").contains("threads, message updates and reactions are off")
                .doesNotContain("hookSecret");
    }

    private static List<LoggedRequest> hookCalls() {
        return slackApi.findAll(postRequestedFor(urlPathEqualTo(HOOK_PATH))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static List<LoggedRequest> delivered() {
        return slackApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(HOOK_PATH) && e.getResponse().getStatus() == 200)
                .map(e -> e.getRequest()).toList();
    }
}
