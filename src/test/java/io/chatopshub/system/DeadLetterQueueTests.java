package io.chatopshub.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.chatopshub.HubIntegrationTest;

/** Work that fails for good waits in the dead-letter queue and can be replayed once fixed. */
class DeadLetterQueueTests extends HubIntegrationTest {

    @Autowired
    DeadLetterQueue deadLetters;

    @Test
    void aPermanentFailureIsParkedAndAReplayDoesTheWorkOnceTheCauseIsFixed() throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"not_in_channel\"}")));
        deadLetters.purge();

        postSlackEvent(eventCallback("Ev0DLQ1", mention("U0ALICE", "C0PRIVATE", "1700000010.000100", "よろしく")));

        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters.getDepth() == 1);
        assertThat(deadLetters.list(10)).singleElement().asString()
                .startsWith("DLQ-").contains("from=chatops.slack.events").contains("delivery=slack:event:Ev0DLQ1").contains("not_in_channel");
        // the greeting, then the attempt to tell the person (refused the same way: logged, not retried)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                slackApi.verify(2, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))));
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("text", WireMock.containing("sorry, that did not work: ")));

        // the operator invites the bot, then replays over JMX
        resetSlack();
        var server = ManagementFactory.getPlatformMBeanServer();
        var names = server.queryNames(new ObjectName("io.chatopshub:type=DeadLetterQueue,*"), null);
        int replayed = 0;
        for (ObjectName name : names) {
            replayed += (Integer) server.invoke(name, "replayAll", new Object[0], new String[0]);
        }
        assertThat(replayed).isEqualTo(1);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("channel", equalTo("C0PRIVATE"))));
        assertThat(deadLetters.getDepth()).isZero();
    }

    @Test
    void aTransientFailureIsRetriedUntilItSucceeds() throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).inScenario("flaky").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.1\"}")));

        postSlackEvent(eventCallback("Ev0FLAKY1", mention("U0ALICE", "C0FLAKY", "1700000011.000100", "よろしく")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                slackApi.verify(3, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))));
        awaitHubSettled();
        slackApi.verify(3, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
        assertThat(deadLetters.getDepth()).isZero();
    }
}
