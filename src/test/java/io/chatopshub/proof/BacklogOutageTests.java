package io.chatopshub.proof;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.chatopshub.alerts.AlertsHubTest;
import io.chatopshub.system.Json;

/**
 * Backlog down in the middle of a burst of Mackerel alerts, for longer than the hub's in-process
 * retries: everything accepted before, during and after the outage ends up in Backlog, each
 * incident with exactly one issue, closed exactly once when it recovers. The outage ends once the
 * hub has set three notifications aside to wait for Backlog (their consumers freed, a scheduled
 * message of their incident to resume them), so the resumes are part of what is proven.
 */
class BacklogOutageTests extends AlertsHubTest {

    private static final int INCIDENTS = 30;
    private static final Pattern ALERT_ID = Pattern.compile("Alert ID: (\\S+)");

    @Autowired
    MeterRegistry metrics;

    @Test
    void anOutageLongerThanTheRetriesInTheMiddleOfABurstOpensAndClosesEveryIssueExactlyOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < INCIDENTS; i++) {
            String id = String.format("4gOutg%05d", i);
            ids.add(id);
            bodies.add(notification(id, "critical", 1795255500L));
        }
        for (String id : ids) {
            bodies.add(notification(id, "ok", 1795256100L));
        }

        var outage = CompletableFuture.runAsync(this::outageAfterFiveIssues);
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                String body = bodies.get(i);
                answers.add(senders.submit(() -> postMackerel(body, MACKEREL_TOKEN).statusCode()));
                if (i == INCIDENTS - 1) {
                    // every incident is opened before its recovery is sent
                    for (Future<Integer> answer : answers) {
                        assertThat(answer.get()).isEqualTo(202);
                    }
                }
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(202);
            }
        } finally {
            senders.shutdown();
        }
        outage.get();

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> closedKeys().size() == INCIDENTS);
        awaitHubSettled();

        Map<String, List<String>> issuesById = createdIssues().entrySet().stream()
                .collect(Collectors.groupingBy(Map.Entry::getValue, Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
        assertThat(issuesById.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(issuesById).allSatisfy((id, keys) -> assertThat(keys).as("issues opened for %s", id).hasSize(1));
        Map<String, Long> closes = closedKeys().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(closes.keySet()).containsExactlyInAnyOrderElementsOf(createdIssues().keySet());
        assertThat(closes).allSatisfy((key, count) -> assertThat(count).as("closes of %s", key).isEqualTo(1));
        assertThat(backlogApi.getAllServeEvents()).as("Backlog was really down for a while")
                .filteredOn(e -> e.getResponse().getStatus() == 503).isNotEmpty();
    }

    /**
     * Backlog answers 503 to every call once five issues exist, until the Backlog pipeline has set
     * three more notifications aside to wait (counted by {@code chatops.alerts.waits}).
     */
    private void outageAfterFiveIssues() {
        await().atMost(Duration.ofSeconds(60)).until(() -> createdIssues().size() >= 5);
        double before = waits();
        var down = backlogApi.stubFor(any(urlPathMatching("/api/v2/.*")).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
        try {
            await("notifications set aside while Backlog is down").atMost(Duration.ofSeconds(120))
                    .until(() -> waits() >= before + 3);
        } finally {
            backlogApi.removeStub(down);
        }
    }

    private double waits() {
        return metrics.find("chatops.alerts.waits").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static String notification(String id, String status, long changedAt) {
        ObjectNode body = Json.readObject(mackerel("ok".equals(status) ? "alert-ok-host.json" : "alert-critical-host.json", id));
        ((ObjectNode) body.get("alert")).put("statusChangedAt", changedAt);
        return body.toString();
    }

    /** Issue key to alert id, for every issue Backlog created (201). */
    private static Map<String, String> createdIssues() {
        Map<String, String> created = new HashMap<>();
        for (ServeEvent e : backlogApi.getAllServeEvents()) {
            if (e.getRequest().getMethod().equals(RequestMethod.POST) && e.getRequest().getUrl().startsWith("/api/v2/issues?")
                    && e.getResponse().getStatus() == 201) {
                Matcher id = ALERT_ID.matcher(formOf(e.getRequest().getBodyAsString()).getOrDefault("description", ""));
                String key = Json.text(Json.readObject(e.getResponse().getBodyAsString()), "issueKey");
                created.put(key, id.find() ? id.group(1) : "?");
            }
        }
        return created;
    }

    /** Issue keys of successful closing calls, one entry per call. */
    private static List<String> closedKeys() {
        return backlogApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().equals(RequestMethod.PATCH) && e.getResponse().getStatus() == 200
                        && "4".equals(formOf(e.getRequest().getBodyAsString()).get("statusId")))
                .map(e -> e.getRequest().getUrl().replaceAll("\\?.*", "").replace("/api/v2/issues/", ""))
                .toList();
    }
}
