package io.chatopshub.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.http.RequestMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.chatopshub.dedup.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The Backlog pipeline works on several incidents at once and on each incident's notifications
 * one after another: JMS message groups keyed by alert id over several consumers.
 */
class AlertDeliveryOrderTests extends AlertsHubTest {

    private static final Pattern ALERT_ID = Pattern.compile("alerts/(\\S+)");
    private static final Pattern AT = Pattern.compile("At: (.+ UTC)");

    @Autowired
    StateStore store;

    @Autowired
    MeterRegistry meters;

    @AfterEach
    void everythingDelivered() {
        awaitHubSettled();
    }

    @Test
    void notificationsOfOneIncidentKeepTheirOrderWhileIncidentsAreTicketedInParallel() throws Exception {
        backlogApi.stubFor(WireMock.post(urlPathMatching("/api/v2/issues/[^/]+/comments")).atPriority(1)
                .willReturn(aResponse().withStatus(201).withFixedDelay(200)
                        .withHeader("Content-Type", "application/json").withBody("{\"id\":5}")));
        int incidents = 12;
        int steps = 6;
        ExecutorService senders = Executors.newFixedThreadPool(incidents);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < incidents; i++) {
                String id = String.format("4gOrder%04d", i);
                done.add(senders.submit(() -> {
                    for (int n = 0; n < steps; n++) {
                        assertThat(postMackerel(AlertStormTests.notification(id, n), MACKEREL_TOKEN).statusCode())
                                .isEqualTo(202);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            senders.shutdown();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> comments("4gOrder").size() == incidents * (steps - 1));

        Map<String, List<String>> timesById = comments("4gOrder").stream().collect(Collectors.groupingBy(
                c -> match(ALERT_ID, c), Collectors.mapping(c -> match(AT, c), Collectors.toList())));
        assertThat(timesById).hasSize(incidents);
        timesById.forEach((id, times) -> assertThat(times).as("comments on " + id).hasSize(steps - 1).isSorted()
                .doesNotHaveDuplicates());

        List<ServeEvent> commentCalls = backlogApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains("/comments")).toList();
        assertThat(commentCalls.stream().anyMatch(a -> commentCalls.stream().anyMatch(b -> a != b && overlap(a, b))))
                .as("two incidents commented on at the same time").isTrue();
    }

    @Test
    void incidentsKeepFlowingWhileOneWaitsOnAnotherInstancesClaim() throws Exception {
        String blocked = "4gBlocked01";
        store.put("backlog:mackerel:" + blocked, "creating|other-host/1", Duration.ofMinutes(2));
        double waits = waits();
        assertThat(postMackerel(AlertStormTests.notification(blocked, 0), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> waits() > waits);
        assertThat(postMackerel(AlertStormTests.notification(blocked, 1), MACKEREL_TOKEN).statusCode()).isEqualTo(202);

        for (int i = 0; i < 10; i++) {
            assertThat(postMackerel(AlertStormTests.notification(String.format("4gFlowing%02d", i), 0), MACKEREL_TOKEN)
                    .statusCode()).isEqualTo(202);
        }
        // every new incident is ticketed while the claim still holds (it waits 10 s between looks)
        await().atMost(Duration.ofSeconds(8)).until(() -> createdIds("4gFlowing").size() == 10);
        assertThat(createdIds(blocked)).isEmpty();

        store.remove("backlog:mackerel:" + blocked);
        await().atMost(Duration.ofSeconds(60)).until(() -> comments(blocked).size() == 1);
        assertThat(createdIds(blocked)).containsExactly(blocked);
        assertThat(comments(blocked).get(0)).startsWith("Status changed from critical to warning");
    }

    @Test
    void anIncidentWhoseBacklogCallsFailForLongHoldsNoConsumerAndIsDeliveredInOrderOnceBacklogAnswers()
            throws Exception {
        String down = "4gDown0001";
        var outage = backlogApi.stubFor(WireMock.post(urlPathEqualTo("/api/v2/issues")).atPriority(1)
                .withRequestBody(containing(down))
                .willReturn(aResponse().withStatus(503).withBody("maintenance")));
        for (int n = 0; n < 3; n++) {
            assertThat(postMackerel(AlertStormTests.notification(down, n), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(down) >= 2);

        // more incidents than the pipeline has consumers (8), each with a repeat
        int others = 24;
        for (int i = 0; i < others; i++) {
            String id = String.format("4gAround%02d", i);
            assertThat(postMackerel(AlertStormTests.notification(id, 0), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
            assertThat(postMackerel(AlertStormTests.notification(id, 1), MACKEREL_TOKEN).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> createdIds("4gAround").size() == others
                && comments("4gAround").size() == others);
        assertThat(createdIds(down)).as("still refused").isEmpty();
        assertThat(attempts(down)).as("Backlog asked again while the others were delivered").isGreaterThanOrEqualTo(2);

        backlogApi.removeStub(outage);
        await().atMost(Duration.ofSeconds(90)).until(() -> comments(down).size() == 2);
        assertThat(createdIds(down)).containsExactly(down);
        assertThat(comments(down).get(0)).startsWith("Status changed from critical to warning");
        assertThat(comments(down).get(1)).startsWith("Status changed from warning to critical");
    }

    private double waits() {
        return meters.find("chatops.alerts.waits").tag("route", "alerts-mackerel-to-backlog").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** Backlog's answers to the creation of the issue of {@code alertId}, refused or not. */
    private static long attempts(String alertId) {
        return backlogApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().equals(POST) && e.getRequest().getUrl().split("\\?")[0].equals("/api/v2/issues"))
                .filter(e -> e.getRequest().getBodyAsString().contains(alertId)).count();
    }

    /** Each comment is answered after 200 ms, so two that arrived closer than that were in flight together. */
    private static boolean overlap(ServeEvent a, ServeEvent b) {
        return Math.abs(a.getRequest().getLoggedDate().getTime() - b.getRequest().getLoggedDate().getTime()) < 200;
    }

    /** Comment texts on issues of alerts whose id starts with {@code prefix}, in the order Backlog got them. */
    private static List<String> comments(String prefix) {
        return backlogApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().equals(POST) && e.getRequest().getUrl().contains("/comments"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> formOf(e.getRequest().getBodyAsString()).getOrDefault("content", ""))
                .filter(c -> c.contains("alerts/" + prefix)).toList();
    }

    /** Alert ids of the issues Backlog opened (answered 201), in the order it got them. */
    private static List<String> createdIds(String prefix) {
        return backlogApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().equals(POST) && e.getRequest().getUrl().split("\\?")[0].equals("/api/v2/issues")
                        && e.getResponse().getStatus() == 201)
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> formOf(e.getRequest().getBodyAsString()).getOrDefault("description", ""))
                .map(d -> {
                    Matcher m = Pattern.compile("Alert ID: (\\S+)").matcher(d);
                    return m.find() ? m.group(1) : "";
                })
                .filter(id -> id.startsWith(prefix)).toList();
    }

    private static String match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : "";
    }
}
