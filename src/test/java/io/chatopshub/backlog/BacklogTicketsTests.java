package io.chatopshub.backlog;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.havingExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.chatopshub.alerts.Alert;
import io.chatopshub.backlog.TicketOutcome.Action;
import io.chatopshub.mackerel.MackerelEvent;
import io.chatopshub.mackerel.MackerelProperties;
import io.chatopshub.mackerel.MackerelWebhook;
import io.chatopshub.system.HubInstance;
import io.chatopshub.system.TransientFailureException;
import io.chatopshub.testing.MemoryStateStore;
import io.chatopshub.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BacklogTicketsTests {

    static final String API_KEY = "bLgK3y0123456789abcdefXYZ";
    static final String ALERT_ID = "4gMNqzhbbL9";
    static final String ALERT_URL = "https://mackerel.io/orgs/acme/alerts/4gMNqzhbbL9";

    private final WireMockServer backlog = new WireMockServer(options().dynamicPort());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:20:00Z"));
    private final MemoryStateStore store = new MemoryStateStore(clock);
    private BacklogTickets tickets;

    @BeforeEach
    void start() {
        backlog.start();
        var client = new BacklogClient(new BacklogProperties(backlog.baseUrl(), API_KEY, 10L, 20L, 3L), clock);
        tickets = new BacklogTickets(client, store, clock);
        stubSearch("[]");
        backlog.stubFor(post(urlPathEqualTo("/api/v2/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":1001,\"issueKey\":\"OPS-42\",\"summary\":\"s\",\"description\":\"d\"}")));
        backlog.stubFor(post(urlPathEqualTo("/api/v2/issues/OPS-42/comments"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":5}")));
        backlog.stubFor(patch(urlPathEqualTo("/api/v2/issues/OPS-42"))
                .willReturn(okJson("{\"id\":1001,\"issueKey\":\"OPS-42\"}")));
    }

    @AfterEach
    void stop() {
        backlog.stop();
    }

    static Alert mackerel(String file) {
        try (InputStream in = BacklogTicketsTests.class.getResourceAsStream("/mackerel/" + file)) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            var event = new MackerelWebhook(new MackerelProperties(null)).parse(body);
            return ((MackerelEvent.AlertNotification) event).alert();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tickets of a hub instance with that name in that life, sharing the store and Backlog. */
    private BacklogTickets instanceNamed(String name, String life) {
        return new BacklogTickets(new BacklogClient(new BacklogProperties(backlog.baseUrl(), API_KEY, 10L, 20L, 3L), clock),
                store, clock, new HubInstance(name, life));
    }

    private void stubSearch(String json) {
        backlog.stubFor(get(urlPathEqualTo("/api/v2/issues")).willReturn(okJson(json)));
    }

    private static String searchResult(Object... idKeyDescription) {
        ArrayNode array = new ObjectMapper().createArrayNode();
        for (int i = 0; i < idKeyDescription.length; i += 3) {
            var issue = array.addObject();
            issue.put("id", (Integer) idKeyDescription[i]);
            issue.put("issueKey", (String) idKeyDescription[i + 1]);
            issue.put("summary", "critical@web-01 - CPU usage");
            issue.put("description", (String) idKeyDescription[i + 2]);
        }
        return array.toString();
    }

    private static String descriptionFor(String alertId) {
        return "Alert: CPU usage\nStatus: warning\n\nAlert URL: https://mackerel.io/orgs/acme/alerts/" + alertId
                + "\nAlert ID: " + alertId + "\nSource: mackerel\n";
    }

    @Test
    void alertOpensCommentsAndClosesOneIssue() {
        TicketOutcome opened = tickets.handle(mackerel("alert-warning-host.json"));

        assertThat(opened.action()).isEqualTo(Action.OPENED);
        assertThat(opened.issueKey()).contains("OPS-42");
        assertThat(opened.issueUrl()).contains(backlog.baseUrl() + "/view/OPS-42");
        backlog.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/issues"))
                .withQueryParam("apiKey", equalTo(API_KEY))
                .withQueryParam("projectId[]", equalTo("10"))
                .withQueryParam("keyword", equalTo(ALERT_ID))
                .withQueryParam("statusId[]", havingExactly("1", "2", "3"))
                .withQueryParam("count", equalTo("100")));
        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues"))
                .withQueryParam("apiKey", equalTo(API_KEY))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("projectId", equalTo("10"))
                .withFormParam("summary", equalTo("warning@web-01 - CPU usage (occurred at 2026-11-21 10:00 UTC)"))
                .withFormParam("issueTypeId", equalTo("20"))
                .withFormParam("priorityId", equalTo("3"))
                .withFormParam("description", equalTo("""
                        Alert: CPU usage
                        Status: warning
                        Target: web-01
                        Reason: CPU % 82.5 > 80
                        Occurred at: 2026-11-21 10:00 UTC

                        Alert URL: https://mackerel.io/orgs/acme/alerts/4gMNqzhbbL9
                        Host URL: https://mackerel.io/orgs/acme/hosts/3Ejv7nNbE5x
                        Alert ID: 4gMNqzhbbL9
                        Source: mackerel
                        """)));

        TicketOutcome commented = tickets.handle(mackerel("alert-critical-host.json"));

        assertThat(commented.action()).isEqualTo(Action.COMMENTED);
        assertThat(commented.issueKey()).contains("OPS-42");
        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues/OPS-42/comments"))
                .withQueryParam("apiKey", equalTo(API_KEY))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("content", equalTo("Status changed from warning to critical\n"
                        + "Reason: CPU % 95.1 > 90\nAt: 2026-11-21 10:05 UTC\nAlert URL: " + ALERT_URL)));

        assertThat(tickets.handle(mackerel("alert-critical-host.json")).action()).isEqualTo(Action.UNCHANGED);

        TicketOutcome closed = tickets.handle(mackerel("alert-ok-host.json"));

        assertThat(closed.action()).isEqualTo(Action.CLOSED);
        backlog.verify(1, patchRequestedFor(urlPathEqualTo("/api/v2/issues/OPS-42"))
                .withQueryParam("apiKey", equalTo(API_KEY))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withFormParam("statusId", equalTo("4"))
                .withFormParam("comment", equalTo("Recovered (was critical): ok\nReason: CPU % 12.0\n"
                        + "At: 2026-11-21 10:15 UTC\nAlert URL: " + ALERT_URL)));

        assertThat(tickets.handle(mackerel("alert-ok-host.json")).action()).isEqualTo(Action.UNCHANGED);
        assertThat(tickets.handle(mackerel("alert-critical-host.json")).action()).isEqualTo(Action.UNCHANGED);
        backlog.verify(4, anyRequestedFor(anyUrl()));
    }

    @Test
    void criticalFirstNotificationHasTheDocumentedSummary() {
        tickets.handle(mackerel("alert-critical-host.json"));

        backlog.verify(postRequestedFor(urlPathEqualTo("/api/v2/issues"))
                .withFormParam("summary", equalTo("critical@web-01 - CPU usage (occurred at 2026-11-21 10:00 UTC)")));
    }

    @Test
    void repeatedNotificationsNeverOpenASecondIssue() {
        Alert warning = mackerel("alert-warning-host.json");

        assertThat(tickets.handle(warning).action()).isEqualTo(Action.OPENED);
        assertThat(tickets.handle(warning).action()).isEqualTo(Action.UNCHANGED);
        assertThat(tickets.handle(warning).action()).isEqualTo(Action.UNCHANGED);

        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
        backlog.verify(0, postRequestedFor(urlPathEqualTo("/api/v2/issues/OPS-42/comments")));
    }

    @Test
    void lostMappingIsFoundAgainByExactAlertIdAndNotBySimilarOnes() {
        stubSearch(searchResult(
                7, "OPS-7", descriptionFor(ALERT_ID + "x"),
                8, "OPS-8", "Mentions " + ALERT_ID + " in passing\nAlert ID: x" + ALERT_ID + "\nSource: mackerel",
                9, "OPS-9", descriptionFor(ALERT_ID)));
        backlog.stubFor(post(urlPathEqualTo("/api/v2/issues/OPS-9/comments"))
                .willReturn(aResponse().withStatus(201).withBody("{\"id\":6}")));

        TicketOutcome outcome = tickets.handle(mackerel("alert-critical-host.json"));

        assertThat(outcome.action()).isEqualTo(Action.COMMENTED);
        assertThat(outcome.issueKey()).contains("OPS-9");
        backlog.verify(0, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues/OPS-9/comments"))
                .withFormParam("content", containing("Status is now critical")));
        assertThat(tickets.handle(mackerel("alert-critical-host.json")).action()).isEqualTo(Action.UNCHANGED);
    }

    @Test
    void searchResultWithOnlyASimilarAlertIdIsNotTaken() {
        stubSearch(searchResult(7, "OPS-7", descriptionFor(ALERT_ID + "x"), 8, "OPS-8", descriptionFor("x" + ALERT_ID)));

        TicketOutcome outcome = tickets.handle(mackerel("alert-critical-host.json"));

        assertThat(outcome.action()).isEqualTo(Action.OPENED);
        assertThat(outcome.issueKey()).contains("OPS-42");
        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
    }

    @Test
    void okForALostMappingClosesTheIssueFoundBySearch() {
        stubSearch(searchResult(42, "OPS-42", descriptionFor(ALERT_ID)));

        TicketOutcome outcome = tickets.handle(mackerel("alert-ok-host.json"));

        assertThat(outcome.action()).isEqualTo(Action.CLOSED);
        backlog.verify(1, patchRequestedFor(urlPathEqualTo("/api/v2/issues/OPS-42")).withFormParam("statusId", equalTo("4")));
    }

    @Test
    void okWithNothingOpenDoesNothingAndALateOlderAlertDoesNotReopen() {
        assertThat(tickets.handle(mackerel("alert-ok-host.json")).action()).isEqualTo(Action.NOTHING_OPEN);
        assertThat(tickets.handle(mackerel("alert-critical-host.json")).action()).isEqualTo(Action.UNCHANGED);

        backlog.verify(0, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
        backlog.verify(0, patchRequestedFor(urlPathEqualTo("/api/v2/issues/OPS-42")));
    }

    @Test
    void twoWorkersHandlingTheSameNewAlertAtOnceOpenOneIssue() throws Exception {
        backlog.stubFor(post(urlPathEqualTo("/api/v2/issues")).willReturn(aResponse().withStatus(201)
                .withFixedDelay(1500).withBody("{\"id\":1001,\"issueKey\":\"OPS-42\"}")));
        Alert warning = mackerel("alert-warning-host.json");
        Alert critical = mackerel("alert-critical-host.json");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        var start = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        try {
            for (Alert alert : List.of(warning, critical)) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        return tickets.handle(alert);
                    } catch (TransientFailureException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> result : results) {
                outcomes.add(result.get());
            }

            assertThat(outcomes).filteredOn(o -> o instanceof TicketOutcome t && t.action() == Action.OPENED).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o instanceof TransientFailureException).hasSize(1)
                    .allSatisfy(e -> assertThat(((TransientFailureException) e).retryAfter()).isPresent());
            Alert loser = outcomes.get(0) instanceof TransientFailureException ? warning : critical;
            Action retried = tickets.handle(loser).action();
            assertThat(retried).isIn(Action.COMMENTED, Action.UNCHANGED);
            backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void crashBetweenCreateAndMappingWriteAdoptsTheCreatedIssueAfterTheClaimExpires() {
        Alert warning = mackerel("alert-warning-host.json");
        store.claim(BacklogTickets.stateKey(warning), BacklogTickets.CREATING, BacklogTickets.CLAIM_TTL);
        stubSearch(searchResult(1001, "OPS-42", descriptionFor(ALERT_ID)));

        assertThatThrownBy(() -> tickets.handle(warning)).isInstanceOf(TransientFailureException.class);
        backlog.verify(0, anyRequestedFor(anyUrl()));

        clock.advance(BacklogTickets.CLAIM_TTL.plusSeconds(1));
        TicketOutcome outcome = tickets.handle(warning);

        assertThat(outcome.action()).isEqualTo(Action.COMMENTED);
        assertThat(outcome.issueKey()).contains("OPS-42");
        backlog.verify(0, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
        assertThat(store.get(BacklogTickets.stateKey(warning))).hasValueSatisfying(v -> assertThat(v).startsWith("open|OPS-42|WARNING|"));
    }

    @Test
    void claimLeftByAnEarlierRunOfThisInstanceIsTakenOverAtOnceAndTheCreatedIssueAdopted() {
        var restarted = instanceNamed("node-1", "life-2");
        Alert warning = mackerel("alert-warning-host.json");
        store.claim(BacklogTickets.stateKey(warning), BacklogTickets.CREATING + "|node-1/life-1", BacklogTickets.CLAIM_TTL);
        stubSearch(searchResult(1001, "OPS-42", descriptionFor(ALERT_ID)));

        TicketOutcome outcome = restarted.handle(warning);

        assertThat(outcome.action()).isEqualTo(Action.COMMENTED);
        assertThat(outcome.issueKey()).contains("OPS-42");
        backlog.verify(0, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
    }

    @Test
    void claimLeftByAnEarlierRunWhoseCreateNeverHappenedOpensTheIssueOnce() {
        var restarted = instanceNamed("node-1", "life-2");
        Alert warning = mackerel("alert-warning-host.json");
        store.claim(BacklogTickets.stateKey(warning), BacklogTickets.CREATING + "|node-1/life-1", BacklogTickets.CLAIM_TTL);

        assertThat(restarted.handle(warning).action()).isEqualTo(Action.OPENED);
        assertThat(restarted.handle(warning).action()).isEqualTo(Action.UNCHANGED);
        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
    }

    @Test
    void claimOfAnotherInstanceIsLeftAloneUntilItExpires() {
        var other = instanceNamed("node-1", "life-2");
        Alert warning = mackerel("alert-warning-host.json");
        store.claim(BacklogTickets.stateKey(warning), BacklogTickets.CREATING + "|node-2/life-1", BacklogTickets.CLAIM_TTL);

        assertThatThrownBy(() -> other.handle(warning)).isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("being opened by another worker");
        backlog.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void claimThatExpiresDuringTheSearchIsNotUsedToCreate() throws Exception {
        Alert warning = mackerel("alert-warning-host.json");
        String key = BacklogTickets.stateKey(warning);
        backlog.stubFor(get(urlPathEqualTo("/api/v2/issues")).willReturn(okJson("[]").withFixedDelay(1500)));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<TicketOutcome> slow = pool.submit(() -> tickets.handle(warning));
            // while Backlog is slow to search, the claim runs out and another worker takes it
            await().atMost(Duration.ofSeconds(5)).until(() -> backlog.countRequestsMatching(
                    getRequestedFor(urlPathEqualTo("/api/v2/issues")).build()).getCount() == 1);
            assertThat(slow).isNotDone();
            clock.advance(BacklogTickets.CLAIM_TTL.plusSeconds(1));
            assertThat(store.claim(key, BacklogTickets.CREATING + "|node-9/life-1", BacklogTickets.CLAIM_TTL)).isTrue();

            assertThatThrownBy(slow::get).hasCauseInstanceOf(TransientFailureException.class);
            backlog.verify(0, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
            assertThat(store.get(key)).contains(BacklogTickets.CREATING + "|node-9/life-1");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failedCreateReleasesTheClaimSoTheRetryCanCreate() {
        backlog.stubFor(post(urlPathEqualTo("/api/v2/issues")).willReturn(aResponse().withStatus(503)));
        Alert warning = mackerel("alert-warning-host.json");

        assertThatThrownBy(() -> tickets.handle(warning)).isInstanceOf(TransientFailureException.class)
                .hasMessageNotContaining(API_KEY);
        assertThat(store.get(BacklogTickets.stateKey(warning))).isEmpty();

        backlog.stubFor(post(urlPathEqualTo("/api/v2/issues")).willReturn(aResponse().withStatus(201)
                .withBody("{\"id\":1001,\"issueKey\":\"OPS-42\"}")));
        assertThat(tickets.handle(warning).action()).isEqualTo(Action.OPENED);
    }

    @Test
    void withoutUrlAndApiKeyNothingIsSentAndNoIssueKeyIsReturned() {
        var dry = new BacklogTickets(new BacklogClient(new BacklogProperties(null, null, null, null, null), clock), store, clock);

        TicketOutcome outcome = dry.handle(mackerel("alert-critical-host.json"));

        assertThat(outcome).isEqualTo(new TicketOutcome(Action.DRY_RUN, Optional.empty(), Optional.empty()));
        assertThat(dry.handle(mackerel("alert-ok-host.json")).issueKey()).isEmpty();
        backlog.verify(0, anyRequestedFor(anyUrl()));
    }

    /** The dry-run log follows an incident as Backlog would: one issue, a comment per change, the close. */
    @Test
    void aDryRunLogsTheCallsOfAnIncidentsLifeNotAnIssuePerNotification() {
        var dry = new BacklogTickets(new BacklogClient(new BacklogProperties(null, null, null, null, null), clock), store, clock);
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.chatopshub.DRY-RUN");
        var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logged.start();
        logger.addAppender(logged);
        try {
            dry.handle(mackerel("alert-warning-host.json"));
            dry.handle(mackerel("alert-critical-host.json"));
            dry.handle(mackerel("alert-critical-host.json"));
            dry.handle(mackerel("alert-ok-host.json"));
            dry.handle(mackerel("alert-warning-host.json"));
        } finally {
            logger.detachAppender(logged);
        }

        assertThat(logged.list).extracting(e -> e.getFormattedMessage().replaceFirst("(?s)^(DRY-RUN backlog \\S+ \\S+).*$", "$1"))
                .containsExactly(
                        "DRY-RUN backlog POST /api/v2/issues",
                        "DRY-RUN backlog POST /api/v2/issues/{issueKey}/comments",
                        "DRY-RUN backlog PATCH /api/v2/issues/{issueKey}",
                        "DRY-RUN backlog POST /api/v2/issues");
        assertThat(logged.list.get(1).getFormattedMessage()).contains("Status changed from warning to critical");
        assertThat(store.get(BacklogTickets.stateKey(mackerel("alert-ok-host.json")))).isEmpty();
        backlog.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void summaryIsCutToBacklogsLimit() {
        Alert alert = mackerel("alert-critical-host.json");
        Alert longTitle = new Alert(alert.source(), alert.key(), alert.status(), "x".repeat(400), alert.target(),
                alert.reason(), alert.alertUrl(), alert.hostUrl(), alert.occurredAt(), alert.changedAt(), alert.details(),
                alert.dedupKey());

        String summary = tickets.summary(longTitle);

        assertThat(summary).hasSize(255).startsWith("critical@web-01 - xxx").endsWith("… (occurred at 2026-11-21 10:00 UTC)");
    }
}
