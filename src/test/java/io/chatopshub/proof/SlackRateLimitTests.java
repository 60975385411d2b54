package io.chatopshub.proof;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import org.junit.jupiter.api.Test;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.QueryStrings;

/**
 * Slack's rate limit seen from the whole hub: a burst of mentions that need replies while Slack
 * answers one {@code chat.postMessage} with 429 and {@code Retry-After: 2}.
 */
class SlackRateLimitTests extends HubIntegrationTest {

    private static final String POST_MESSAGE = "/api/chat.postMessage";
    private static final long RETRY_AFTER_MILLIS = 2_000;

    @Test
    void afterA429NoPostIsSentBeforeRetryAfterAndEveryReplyArrivesOnce() throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo(POST_MESSAGE)).atPriority(1)
                .inScenario("rate limit").whenScenarioStateIs(STARTED).willSetStateTo("limited once")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}")));

        List<String> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String ts = "1700000500.00010" + i;
            threads.add(ts);
            var answer = postSlackEvent(eventCallback("Ev0LIMIT" + i, mention("U0ALICE", i % 2 == 0 ? "C0LIMITA" : "C0LIMITB", ts, "help")));
            assertThat(answer.statusCode()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            for (String ts : threads) {
                assertThat(posts().stream().filter(e -> e.getResponse().getStatus() == 200 && ts.equals(threadOf(e))))
                        .as("replies in thread %s among %s", ts, describe(posts())).hasSize(1);
            }
        });

        List<ServeEvent> posts = posts();
        List<ServeEvent> limited = posts.stream().filter(e -> e.getResponse().getStatus() == 429).toList();
        // two posts sent at the same moment may both meet the 429 (WireMock moves the scenario on after answering)
        assertThat(limited).isNotEmpty();
        ServeEvent first = limited.stream().min(Comparator.comparing(SlackRateLimitTests::answeredAt)).orElseThrow();
        long answeredAt = answeredAt(first);
        // A post already on its way while the 429 was being answered could not have known of it.
        long inFlightUntil = answeredAt + 100;
        List<Long> tooEarly = posts.stream().map(e -> e.getRequest().getLoggedDate().getTime())
                .filter(at -> at >= inFlightUntil && at < answeredAt + RETRY_AFTER_MILLIS)
                .map(at -> at - answeredAt).toList();
        assertThat(tooEarly).as("ms after the 429 at which chat.postMessage was called again").isEmpty();
        assertThat(posts).as("six replies and those refused").hasSize(6 + limited.size());
        // each refused reply is sent again, after the wait
        for (ServeEvent refused : limited) {
            assertThat(posts.stream().filter(e -> threadOf(e).equals(threadOf(refused)) && e.getResponse().getStatus() == 200)
                    .map(e -> e.getRequest().getLoggedDate().getTime()).toList())
                    .singleElement().satisfies(at -> assertThat(at).isGreaterThanOrEqualTo(answeredAt + RETRY_AFTER_MILLIS));
        }
    }

    private static List<ServeEvent> posts() {
        return slackApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(POST_MESSAGE) && e.getResponse() != null)
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    private static long answeredAt(ServeEvent event) {
        return event.getRequest().getLoggedDate().getTime() + event.getTiming().getTotalTime();
    }

    private static String describe(List<ServeEvent> events) {
        return events.stream().map(e -> e.getRequest().getLoggedDate().getTime() % 100_000 + " " + e.getResponse().getStatus() + " "
                + QueryStrings.parseSingle(e.getRequest().getBodyAsString()).get("channel") + " " + threadOf(e)).toList().toString();
    }

    private static String threadOf(ServeEvent event) {
        Map<String, String> form = QueryStrings.parseSingle(event.getRequest().getBodyAsString());
        return form.getOrDefault("thread_ts", "");
    }
}
