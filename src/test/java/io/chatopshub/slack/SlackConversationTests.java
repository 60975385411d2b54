package io.chatopshub.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;


import org.junit.jupiter.api.Test;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.Json;

class SlackConversationTests extends HubIntegrationTest {

    @Test
    void aMentionWithYoroGetsAFriendlyReplyInItsThread() throws Exception {
        var response = postSlackEvent(eventCallback("Ev0YORO1", mention("U0ALICE", "C0123456", "1700000001.000100", "よろしく")));

        assertThat(response.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withHeader("Authorization", equalTo("Bearer " + BOT_TOKEN))
                        .withFormParam("channel", equalTo("C0123456"))
                        .withFormParam("thread_ts", equalTo("1700000001.000100"))
                        .withFormParam("text", equalTo(
                                "<@U0ALICE> よろしくお願いします！ :wave: Mention me with `help` to see what I can do here."))));
    }

    @Test
    void anyOtherMentionGetsTheHelpReplyInItsThread() throws Exception {
        postSlackEvent(eventCallback("Ev0HELP1", mention("U0ALICE", "C0123456", "1700000002.000100", "what can you do?")));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo("1700000002.000100"))
                        .withFormParam("text", equalTo("Here is what I can do in this channel:\n"
                                + "• `@hub dlq` – operators: list the dead-letter queue, `replay <id>` or `purge <id>` one entry\n"
                                + "• `@hub status` – says that the hub is up and how many routes it runs\n"
                                + "• `@hub よろしく` – say hello\n"
                                + "• send me a direct message and I echo it back, with its files and links\n"
                                + "• slash commands: `/runbook`, `/scale`, `/test`"))));
    }

    @Test
    void aRetriedDeliveryOfTheSameEventProducesOneReply() throws Exception {
        String body = eventCallback("Ev0RETRY1", mention("U0ALICE", "C0123456", "1700000003.000100", "よろ"));
        assertThat(postSlackEvent(body).statusCode()).isEqualTo(200);
        var headers = new java.util.LinkedHashMap<>(slackHeaders(body));
        headers.put("X-Slack-Retry-Num", "1");
        headers.put("X-Slack-Retry-Reason", "http_timeout");
        assertThat(post("/slack/events", "application/json", body, headers).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))));
        awaitHubSettled();
        slackApi.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    }

    @Test
    void aDirectMessageIsEchoedWithItsFilesAndLinks() throws Exception {
        String dm = "{\"type\":\"message\",\"subtype\":\"file_share\",\"channel\":\"D0ALICE\",\"channel_type\":\"im\",\"user\":\"U0ALICE\","
                + "\"text\":\"logs at <https://logs.example.com/x|the logs> and <https://wiki.example.com>\","
                + "\"ts\":\"1700000004.000100\",\"event_ts\":\"1700000004.000100\","
                + "\"files\":[{\"id\":\"F1\",\"name\":\"trace.txt\"},{\"id\":\"F2\",\"name\":\"screen.png\"}]}";
        postSlackEvent(eventCallback("Ev0DM1", dm));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("channel", equalTo("D0ALICE"))
                        .withFormParam("text", equalTo(
                                "You said: logs at <https://logs.example.com/x|the logs> and <https://wiki.example.com>\n"
                                        + "Files: trace.txt, screen.png\n"
                                        + "Links: https://logs.example.com/x https://wiki.example.com"))));
    }

    @Test
    void theHubsOwnMessagesAndOtherBotsAreIgnored() throws Exception {
        String own = "{\"type\":\"message\",\"channel\":\"D0ALICE\",\"channel_type\":\"im\",\"user\":\"U0HUB\",\"text\":\"echo\",\"ts\":\"1.1\"}";
        String bot = "{\"type\":\"message\",\"subtype\":\"bot_message\",\"bot_id\":\"B0OTHER\",\"channel\":\"D0ALICE\",\"channel_type\":\"im\",\"text\":\"beep\",\"ts\":\"1.2\"}";
        String botMention = "{\"type\":\"app_mention\",\"bot_id\":\"B0OTHER\",\"user\":\"U0BOT\",\"text\":\"<@U0HUB> help\",\"ts\":\"1.3\",\"channel\":\"C0123456\"}";
        assertThat(postSlackEvent(eventCallback("Ev0OWN1", own)).statusCode()).isEqualTo(200);
        assertThat(postSlackEvent(eventCallback("Ev0BOT1", bot)).statusCode()).isEqualTo(200);
        assertThat(postSlackEvent(eventCallback("Ev0BOT2", botMention)).statusCode()).isEqualTo(200);
        // a person's message afterwards proves the queue was worked through
        postSlackEvent(eventCallback("Ev0DM2", "{\"type\":\"message\",\"channel\":\"D0ALICE\",\"channel_type\":\"im\",\"user\":\"U0ALICE\",\"text\":\"hi\",\"ts\":\"1.4\"}"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage")).withFormParam("text", equalTo("You said: hi"))));
        awaitHubSettled();
        slackApi.verify(1, postRequestedFor(urlPathMatching("/api/.*")));
    }

    @Test
    void testCommandAnswersWithTwoButtonsAndAPressUpdatesTheMessageThroughResponseUrl() throws Exception {
        var fields = command("/test", "", "C0123456", "U0ALICE");
        var answer = postSlackCommand(fields);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        var json = Json.readObject(answer.body());
        assertThat(json.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(json.path("blocks").path(1).path("elements")).hasSize(2);
        assertThat(json.path("blocks").path(1).path("elements").path(0).path("action_id").asText()).isEqualTo("test.choose.a");

        String responseUrl = fields.get("response_url");
        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ALICE\",\"username\":\"alice\",\"team_id\":\"T0123456\"},"
                + "\"api_app_id\":\"A0123\",\"container\":{\"type\":\"message\",\"message_ts\":\"1700000005.000100\",\"channel_id\":\"C0123456\",\"is_ephemeral\":true},"
                + "\"trigger_id\":\"1.2.3\",\"team\":{\"id\":\"T0123456\",\"domain\":\"acme\"},\"channel\":{\"id\":\"C0123456\",\"name\":\"ops\"},"
                + "\"response_url\":\"" + responseUrl + "\","
                + "\"actions\":[{\"action_id\":\"test.choose.b\",\"block_id\":\"test\",\"value\":\"b\",\"type\":\"button\",\"action_ts\":\"1700000006.1\"}]}";
        assertThat(postSlackInteraction(payload).statusCode()).isEqualTo(200);
        // a double click is the same message, action and user: acted on once
        assertThat(postSlackInteraction(payload.replace("1700000006.1", "1700000006.2")).statusCode()).isEqualTo(200);

        String path = java.net.URI.create(responseUrl).getPath();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> slackApi.verify(1,
                postRequestedFor(urlPathEqualTo(path)).withRequestBody(
                        equalToJson("{\"replace_original\":true,\"text\":\"<@U0ALICE> chose *B*.\"}"))));
        awaitHubSettled();
        slackApi.verify(1, postRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void anUnknownCommandSaysSoAndListsTheKnownOnes() throws Exception {
        var answer = postSlackCommand(command("/frobnicate", "now", "C0123456", "U0ALICE"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body()).path("text").asText())
                .startsWith("I don't know the command `/frobnicate`.").contains("`/test`");
    }

    @Test
    void urlVerificationIsAnsweredWithTheChallenge() throws Exception {
        String body = "{\"token\":\"legacy\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\",\"type\":\"url_verification\"}";
        var response = postSlackEvent(body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(response.body()).path("challenge").asText())
                .isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        assertThat(response.headers().map()).doesNotContainKey("x-slack-signature");
    }

    @Test
    void aWellFormedEventOfAnUnknownKindIsAcceptedAndIgnored() throws Exception {
        var response = postSlackEvent("{\"type\":\"app_rate_limited\",\"team_id\":\"T0123456\",\"minute_rate_limited\":1518467820,\"api_app_id\":\"A0123\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        awaitHubSettled();
        slackApi.verify(0, postRequestedFor(urlPathMatching("/api/.*")));
    }

}
