package io.chatopshub.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.chatopshub.HubIntegrationTest;

/**
 * One person's slow {@code response_url} does not hold up another person's button press: the
 * interactions queue has several consumers, so the second press is answered while the first
 * call still hangs.
 */
class SlowResponseUrlTests extends HubIntegrationTest {

    @Test
    void anotherPersonsPressIsAnsweredWithinThreeSecondsWhileOneResponseUrlHangs() throws Exception {
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/response/hangs")).willReturn(aResponse().withFixedDelay(20_000).withBody("ok")));

        assertThat(postSlackInteraction(press("U0ALICE", "1700000200.000100", slackApi.baseUrl() + "/response/hangs")).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                slackApi.verify(1, postRequestedFor(urlPathEqualTo("/response/hangs"))));

        long pressed = System.nanoTime();
        assertThat(postSlackInteraction(press("U0BOB", "1700000201.000100", slackApi.baseUrl() + "/response/bob")).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                slackApi.verify(1, postRequestedFor(urlPathEqualTo("/response/bob"))));
        assertThat(Duration.ofNanos(System.nanoTime() - pressed)).isLessThan(Duration.ofSeconds(3));
    }

    private static String press(String user, String messageTs, String responseUrl) {
        return "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user + "\",\"username\":\"" + user + "\",\"team_id\":\"T0123456\"},"
                + "\"api_app_id\":\"A0123\",\"container\":{\"type\":\"message\",\"message_ts\":\"" + messageTs
                + "\",\"channel_id\":\"C0123456\",\"is_ephemeral\":true},"
                + "\"trigger_id\":\"1.2.3\",\"team\":{\"id\":\"T0123456\",\"domain\":\"acme\"},\"channel\":{\"id\":\"C0123456\",\"name\":\"ops\"},"
                + "\"response_url\":\"" + responseUrl + "\","
                + "\"actions\":[{\"action_id\":\"test.choose.a\",\"block_id\":\"test\",\"value\":\"a\",\"type\":\"button\",\"action_ts\":\"" + messageTs + "\"}]}";
    }
}
