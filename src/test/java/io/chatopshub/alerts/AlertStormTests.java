package io.chatopshub.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.http.RequestMethod.POST;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Storms: a burst of alerts is grouped into paced digests and every incident still gets exactly
 * one Backlog issue, through Slack rate limits and a Backlog outage. The hub is shared with the
 * other alert tests, so each test waits until the channel is quiet again (its digest closed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertStormTests extends AlertsHubTest {

    private static final Pattern ALERT_ID = Pattern.compile("Alert ID: (\\S+)\n");

    @Autowired
    StateStore store;

    @AfterEach
    void channelIsQuietAgain() {
        await().atMost(Duration.ofSeconds(30)).until(() -> store.get("alerts:group:" + CHANNEL)
                .map(v -> GroupingState.read(v, GroupingState.Group.class))
                .map(g -> g.window() == null && g.openDigest() == null && g.outbox().isEmpty() && g.pendingDigest().isEmpty())
                .orElse(true));
        int[] seen = {-1};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1500)).until(() -> {
            int now = backlogApi.getAllServeEvents().size() + slackApi.getAllServeEvents().size();
            boolean quiet = now == seen[0];
            seen[0] = now;
            return quiet;
        });
    }

    /** One notification of alert {@code id}: its {@code n}-th status change, critical and warning in turn. */
    static String notification(String id, int n) {
        ObjectNode body = Json.readObject(mackerel("alert-critical-host.json", id));
        ObjectNode alert = (ObjectNode) body.get("alert");
        alert.put("status", n % 2 == 0 ? "critical" : "warning");
        alert.put("statusChangedAt", 1795255200L + 60L * n);
        body.put("message", "step " + n);
        return body.toString();
    }

    @Test
    @Order(1)
    void aSlack429IsWaitedOutBeforeTheNextCallAndNoAlertIsDropped() throws Exception {
        slackApi.stubFor(WireMock.post(urlPathEqualTo("/api/chat.postMessage")).atPriority(1)
                .inScenario("limited").whenScenarioStateIs(STARTED).willSetStateTo("open")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")
                        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}")));

        assertThat(postMackerel(notification("4gLimited01", 0), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        assertThat(postMackerel(notification("4gLimited02", 0), MACKEREL_TOKEN).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> posted().size() == 2);
        List<ServeEvent> calls = postMessageCalls();
        assertThat(calls.get(0).getResponse().getStatus()).isEqualTo(429);
        long limitedAt = calls.get(0).getRequest().getLoggedDate().getTime();
        assertThat(calls.subList(1, calls.size()))
                .allSatisfy(e -> assertThat(e.getRequest().getLoggedDate().getTime() - limitedAt).isGreaterThanOrEqualTo(3000));
        assertThat(posted()).extracting(f -> f.get("text")).containsExactlyInAnyOrder(
                "[CRITICAL] CPU usage @ web-01: step 0", "[CRITICAL] CPU usage @ web-01: step 0");
        assertThat(posted()).extracting(f -> f.get("blocks")).anySatisfy(b -> assertThat(b).contains("4gLimited01"))
                .anySatisfy(b -> assertThat(b).contains("4gLimited02"));
        await().atMost(Duration.ofSeconds(10)).until(() -> backlog(POST, "/api/v2/issues").size() == 2);
    }

    @Test
    @Order(2)
    void aBurstOf200AlertsOver20IdsOpens20IssuesThroughABacklogOutageAndIsGroupedIntoPacedDigests() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            for (int i = 0; i < 20; i++) {
                bodies.add(notification(String.format("4gStorm%04d", i), n));
            }
        }
        Thread outage = new Thread(this::backlogOutageAfterFiveIssues);
        outage.start();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String body : bodies) {
                answers.add(senders.submit(() -> postMackerel(body, MACKEREL_TOKEN).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(202);
            }
        } finally {
            senders.shutdown();
        }

        String expected = ":rotating_light: 20 alerts (20 warning)";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> expected.equals(latestDigestText()) && createdIssueIds().size() == 20);
        outage.join();

        assertThat(backlog(POST, "/api/v2/issues").stream().filter(this::createdOk).count()).isEqualTo(20);
        assertThat(createdIssueIds()).hasSize(20);
        assertThat(backlogApi.getAllServeEvents()).anySatisfy(e -> assertThat(e.getResponse().getStatus()).isEqualTo(503));

        List<Map<String, String>> posts = slack("chat.postMessage", f -> true);
        assertThat(posts).isNotEmpty().hasSizeLessThanOrEqualTo(5);
        assertThat(posts.get(0).get("text")).startsWith(":rotating_light: ");
        List<Long> postTimes = postMessageCalls().stream().map(e -> e.getRequest().getLoggedDate().getTime()).toList();
        for (int i = 1; i < postTimes.size(); i++) {
            assertThat(postTimes.get(i) - postTimes.get(i - 1)).as("gap before post " + i).isGreaterThanOrEqualTo(1000);
        }
        List<Long> callTimes = slackApi.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime())
                .sorted().toList();
        for (int i = 1; i < callTimes.size(); i++) {
            assertThat(callTimes.get(i) - callTimes.get(i - 1)).as("gap before Slack call " + i).isGreaterThanOrEqualTo(1000);
        }
        Map<String, List<Long>> updatesByTs = slack("chat.update", f -> true).stream()
                .collect(Collectors.groupingBy(f -> f.get("ts"), Collectors.mapping(f -> 0L, Collectors.toList())));
        assertThat(updatesByTs).isNotEmpty();
        List<Long> updateTimes = slackApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/api/chat.update"))
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        for (int i = 1; i < updateTimes.size(); i++) {
            assertThat(updateTimes.get(i) - updateTimes.get(i - 1)).as("digest updated at most every group-interval")
                    .isGreaterThanOrEqualTo(1900);
        }
    }

    /** Backlog answers 503 to new issues for three seconds once five issues exist. */
    private void backlogOutageAfterFiveIssues() {
        await().atMost(Duration.ofSeconds(60)).until(() -> createdIssueIds().size() >= 5);
        var outage = backlogApi.stubFor(WireMock.post(urlPathEqualTo("/api/v2/issues")).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("{\"errors\":[{\"message\":\"maintenance\",\"code\":1}]}")));
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        backlogApi.removeStub(outage);
    }

    private boolean createdOk(com.github.tomakehurst.wiremock.verification.LoggedRequest request) {
        return backlogApi.getAllServeEvents().stream().anyMatch(e -> e.getRequest().getId().equals(request.getId())
                && e.getResponse().getStatus() == 201);
    }

    private Set<String> createdIssueIds() {
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        backlogApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().equals(POST) && e.getRequest().getUrl().startsWith("/api/v2/issues?")
                        && e.getResponse().getStatus() == 201)
                .forEach(e -> {
                    var m = ALERT_ID.matcher(formOf(e.getRequest().getBodyAsString()).getOrDefault("description", ""));
                    if (m.find()) {
                        ids.add(m.group(1));
                    }
                });
        assertThat(ids).doesNotHaveDuplicates();
        return Set.copyOf(ids);
    }

    /** What the digest says now: its latest post or update. */
    private static String latestDigestText() {
        return slackApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/api/chat."))
                .max(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> form(e.getRequest()).get("text")).orElse(null);
    }

    private static List<ServeEvent> postMessageCalls() {
        return slackApi.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals("/api/chat.postMessage"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
    }

    private static List<Map<String, String>> posted() {
        return slack("chat.postMessage", f -> f.containsKey("answer.ts"));
    }
}
