package io.chatopshub.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;

class SlackClientTests {

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private SlackClient client;

    @BeforeEach
    void start() {
        slack.start();
        client = new SlackClient(new SlackProperties("secret", "xoxb-1-unit", URI.create(slack.baseUrl()), null, null),
                Clock.systemUTC(), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        slack.stop();
    }

    private void ok(String method, String body) {
        slack.stubFor(post(urlPathEqualTo("/api/" + method)).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    @Test
    void postMessageSendsTheBotTokenAndReturnsWhereTheMessageLives() {
        ok("chat.postMessage", "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1700000000.000100\"}");

        var posted = client.postMessage("C1", "1699999999.000001", "hello", "[{\"type\":\"divider\"}]");

        assertThat(posted).isEqualTo(new SlackClient.PostedMessage("C1", "1700000000.000100"));
        slack.verify(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withHeader("Authorization", equalTo("Bearer xoxb-1-unit"))
                .withFormParam("channel", equalTo("C1"))
                .withFormParam("thread_ts", equalTo("1699999999.000001"))
                .withFormParam("text", equalTo("hello"))
                .withFormParam("blocks", equalTo("[{\"type\":\"divider\"}]")));
    }

    @Test
    void a429IsWaitedOutForRetryAfterBeforeTheMethodIsCalledAgain() {
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).inScenario("rl").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}"))
                .willSetStateTo("open"));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).inScenario("rl").whenScenarioStateIs("open")
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"ts\":\"1.1\"}")));

        client.updateMessage("C1", "1.1", "edited", null);

        List<LoggedRequest> calls = slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update")));
        assertThat(calls).hasSize(2);
        Instant first = calls.get(0).getLoggedDate().toInstant();
        Instant second = calls.get(1).getLoggedDate().toInstant();
        assertThat(Duration.between(first, second)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void postsToOneChannelAreAtLeastOneSecondApart() {
        ok("chat.postMessage", "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.1\"}");

        for (int i = 0; i < 3; i++) {
            client.postMessage("CPACE", null, "n" + i, null);
        }
        client.postMessage("COTHER", null, "other", null);

        List<LoggedRequest> calls = slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("channel", equalTo("CPACE")));
        assertThat(calls).hasSize(3);
        for (int i = 1; i < calls.size(); i++) {
            assertThat(calls.get(i).getLoggedDate().getTime() - calls.get(i - 1).getLoggedDate().getTime())
                    .isGreaterThanOrEqualTo(990);
        }
    }

    @Test
    void okFalseBecomesAnErrorWithItsCodeTransientOrPermanent() {
        ok("chat.postMessage", "{\"ok\":false,\"error\":\"channel_not_found\"}");
        assertThatThrownBy(() -> client.postMessage("CX", null, "x", null))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> assertThat(e.code()).isEqualTo("channel_not_found"));

        ok("chat.update", "{\"ok\":false,\"error\":\"internal_error\"}");
        assertThatThrownBy(() -> client.updateMessage("CX", "1.1", "x", null)).isInstanceOf(TransientFailureException.class);

        slack.stubFor(post(urlPathEqualTo("/api/reactions.add")).willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> client.addReaction("CX", "1.1", "rocket")).isInstanceOf(TransientFailureException.class);
    }

    @Test
    void aReactionThatIsAlreadyThereCountsAsAdded() {
        ok("reactions.add", "{\"ok\":false,\"error\":\"already_reacted\"}");
        client.addReaction("C1", "1.1", "rocket");
        slack.verify(postRequestedFor(urlPathEqualTo("/api/reactions.add")).withFormParam("name", equalTo("rocket"))
                .withFormParam("timestamp", equalTo("1.1")));
    }

    @Test
    void responseUrlAndWebhookPostsSendJsonAndMapFailures() {
        slack.stubFor(post(urlPathEqualTo("/response/1")).willReturn(aResponse().withBody("ok")));
        client.postToUrl("response_url", slack.baseUrl() + "/response/1", "{\"text\":\"hi\"}");
        slack.verify(postRequestedFor(urlPathEqualTo("/response/1")).withRequestBody(equalTo("{\"text\":\"hi\"}")));

        slack.stubFor(post(urlPathEqualTo("/response/gone")).willReturn(aResponse().withStatus(404).withBody("no_service")));
        assertThatThrownBy(() -> client.postToUrl("incoming webhook", slack.baseUrl() + "/response/gone", "{}"))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> assertThat(e.code()).isEqualTo("no_service"));
        assertThatThrownBy(() -> client.postToUrl("incoming webhook", "ftp://x", "{}")).isInstanceOf(PermanentFailureException.class);
    }

    @Test
    void withoutABotTokenNothingIsSent() {
        var dryRun = new SlackClient(new SlackProperties("s", null, URI.create(slack.baseUrl()), null, null),
                Clock.systemUTC(), Duration.ofSeconds(1));
        assertThat(dryRun.isDryRun()).isTrue();
        assertThat(dryRun.postMessage("C1", null, "x", null).ts()).startsWith("dry-run.");
        dryRun.updateMessage("C1", "1.1", "x", null);
        dryRun.addReaction("C1", "1.1", "x");
        dryRun.postToUrl("response_url", slack.baseUrl() + "/response/dry", "{\"text\":\"refused\"}");
        assertThat(slack.getAllServeEvents()).isEmpty();
    }
}
