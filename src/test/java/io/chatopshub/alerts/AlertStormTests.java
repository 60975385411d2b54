package io.chatopshub.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.http.RequestMethod.POST;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
    private static final int REFUSALS_IN_OUTAGE = 3;

    @Autowired
    StateStore store;

    @AfterEach
    void channelIsQuietAgain() {
        await().atMost(Duration.ofSeconds(30)).until(() -> store.get("alerts:group:" + CHANNEL)
                .map(v -> GroupingState.read(v, GroupingState.Group.class))
                .map(g -> g.window() == null && g.openDigest() == null && g.outbox().isEmpty() && g.postingDigest() == null)
                .orElse(true));
        // a closed digest schedules no more refreshes; what is left (issues of a storm, retries after
        // Backlog's outage) is done once the hub has settled
        awaitHubSettled();
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
        List<String> firstHalf = new ArrayList<>();
        List<String> secondHalf = new ArrayList<>();
        // the first half names ten of the twenty alerts, so the first digest cannot name them all,
        // whenever it is posted: the second half must edit it
        for (int n = 0; n < 10; n++) {
            for (int i = 0; i < 20; i++) {
                (n < 5 && i < 10 ? firstHalf : secondHalf).add(notification(String.format("4gStorm%04d", i), n));
            }
        }
        Thread outage = new Thread(this::backlogOutageAfterFiveIssues);
        outage.start();
        postAll(firstHalf);
        // the rest of the burst after the first digest is out, so the digest is edited (a burst that
        // all arrives within group-wait is posted once, final, and nothing would be paced)
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !slack("chat.postMessage", f -> f.getOrDefault("text", "").startsWith(":rotating_light: ")).isEmpty());
        postAll(secondHalf);

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
        Map<String, List<Long>> updateTimesByTs = slackApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/api/chat.update"))
                .collect(Collectors.groupingBy(e -> form(e.getRequest()).get("ts"),
                        Collectors.mapping(e -> e.getRequest().getLoggedDate().getTime(), Collectors.toList())));
        assertThat(updateTimesByTs).isNotEmpty();
        updateTimesByTs.values().forEach(times -> {
            List<Long> sorted = times.stream().sorted().toList();
            for (int i = 1; i < sorted.size(); i++) {
                assertThat(sorted.get(i) - sorted.get(i - 1)).as("each digest message updated at most every group-interval")
                        .isGreaterThanOrEqualTo(1900);
            }
        });
    }

    @Test
    @Order(3)
    void aBurstOf60AlertsIsNamedWhollyInTheDigestsThreadAndRecoveriesEditThoseMessages() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add(String.format("4gBurst%04d", i));
        }
        postAll(ids.stream().map(id -> notification(id, 0)).toList());

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> namedInSlack("4gBurst").size() == 60);
        List<Map<String, String>> posts = slack("chat.postMessage", f -> f.getOrDefault("blocks", "").contains("4gBurst"));
        Map<String, String> summary = posts.get(0);
        String summaryTs = summary.get("answer.ts");
        assertThat(summary.get("text")).startsWith(":rotating_light: ");
        assertThat(summary).doesNotContainKey("thread_ts");
        List<Map<String, String>> pages = posts.subList(1, posts.size());
        assertThat(pages).isNotEmpty().allSatisfy(page -> assertThat(page.get("thread_ts")).isEqualTo(summaryTs));
        // the burst may outlast group-wait: its latest alerts then join the digest, which is edited
        await().atMost(Duration.ofSeconds(30)).until(() -> latestText(summaryTs).equals(":rotating_light: 60 alerts (60 critical)")
                && latestText(pages.get(0).get("answer.ts")).equals("Alerts 1–60 of 60"));
        for (Map<String, String> post : slack("chat.", f -> f.getOrDefault("blocks", "").contains("4gBurst"))) {
            JsonNode blocks = new com.fasterxml.jackson.databind.ObjectMapper().readTree(post.get("blocks"));
            assertThat(blocks.size()).isLessThanOrEqualTo(50);
            blocks.findValues("text").forEach(t -> assertThat((t.isTextual() ? t : t.path("text")).asText().length())
                    .isLessThanOrEqualTo(3000));
        }
        int postsBefore = slack("chat.postMessage", f -> true).size();

        postAll(ids.subList(0, 10).stream().map(AlertStormTests::recovery).toList());

        String page = pages.get(0).get("answer.ts");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> slack("chat.update",
                f -> page.equals(f.get("ts"))).stream().anyMatch(f -> ids.subList(0, 10).stream()
                        .allMatch(id -> f.get("blocks").contains(":white_check_mark: OK <https://mackerel.io/orgs/acme/alerts/"
                                + id + "|CPU usage>"))));
        await().atMost(Duration.ofSeconds(30)).until(() -> latestText(summaryTs).equals(":rotating_light: 60 alerts (50 critical, 10 ok)"));
        assertThat(slack("chat.postMessage", f -> true)).hasSize(postsBefore);
    }

    /** The text of a message as last posted or edited. */
    private static String latestText(String ts) {
        List<Map<String, String>> edits = slack("chat.update", f -> ts.equals(f.get("ts")));
        if (!edits.isEmpty()) {
            return edits.get(edits.size() - 1).get("text");
        }
        return slack("chat.postMessage", f -> ts.equals(f.get("answer.ts"))).stream().findFirst().map(f -> f.get("text"))
                .orElse("");
    }

    /** Alert ids named in any Slack message or update so far. */
    private static Set<String> namedInSlack(String prefix) {
        Pattern id = Pattern.compile("(" + prefix + "\\d{4})");
        Set<String> named = new java.util.HashSet<>();
        slackApi.getAllServeEvents().forEach(e -> {
            var m = id.matcher(form(e.getRequest()).getOrDefault("blocks", ""));
            while (m.find()) {
                named.add(m.group(1));
            }
        });
        return named;
    }

    static String recovery(String id) {
        ObjectNode body = Json.readObject(mackerel("alert-critical-host.json", id));
        ObjectNode alert = (ObjectNode) body.get("alert");
        alert.put("status", "ok");
        alert.put("statusChangedAt", 1795255200L + 3600L);
        body.put("message", "recovered");
        return body.toString();
    }

    private void postAll(List<String> bodies) throws Exception {
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
    }

    /**
     * Backlog answers 503 to new issues once five issues exist, until it has refused
     * {@value #REFUSALS_IN_OUTAGE} of them: the hub has then met the outage on several incidents,
     * whatever the machine's speed.
     */
    private void backlogOutageAfterFiveIssues() {
        await().atMost(Duration.ofSeconds(60)).until(() -> createdIssueIds().size() >= 5);
        var outage = backlogApi.stubFor(WireMock.post(urlPathEqualTo("/api/v2/issues")).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("{\"errors\":[{\"message\":\"maintenance\",\"code\":1}]}")));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> refusedIssues() >= REFUSALS_IN_OUTAGE);
        } finally {
            backlogApi.removeStub(outage);
        }
    }

    private static long refusedIssues() {
        return backlogApi.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().equals(POST)
                && e.getRequest().getUrl().split("\\?")[0].equals("/api/v2/issues") && e.getResponse().getStatus() == 503).count();
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
