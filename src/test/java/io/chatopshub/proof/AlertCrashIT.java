package io.chatopshub.proof;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatopshub.HubProcess;
import io.chatopshub.alerts.AlertsHubTest;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.Json;

/**
 * The durability promise for alerts with a real process: the hub is killed with SIGKILL in the
 * middle of a burst of Mackerel notifications and started again on the same data directory.
 * Every notification it answered 202 becomes its Backlog issue, and no incident gets two, also
 * when the kill hits an issue being created (Backlog then finds it again by keyword search).
 */
class AlertCrashIT {

    private static final String TOKEN = "mk-crash-token-0123456789abcdef";
    private static final int INCIDENTS = 300;
    private static final Pattern ALERT_ID = Pattern.compile("Alert ID: (\\S+)");

    private final WireMockServer backlog = new WireMockServer(options().dynamicPort().containerThreads(40)
            .notifier(new ConsoleNotifier(false)));
    private final WireMockServer slack = new WireMockServer(options().dynamicPort().notifier(new ConsoleNotifier(false)));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HubProcess hub;

    @BeforeEach
    void start() throws Exception {
        backlog.start();
        slack.start();
        slack.stubFor(WireMock.post(urlPathMatching("/api/chat\\.(postMessage|update)")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody("{\"ok\":true,\"channel\":\"CALERTS\",\"ts\":\"{{randomValue length=9 type='NUMERIC'}}.000100\"}")));
        backlog.stubFor(get(urlPathEqualTo("/api/v2/issues")).willReturn(okJson("[]")));
        // slow enough that the kill finds work queued and calls in flight
        backlog.stubFor(WireMock.post(urlPathEqualTo("/api/v2/issues")).willReturn(aResponse().withStatus(201)
                .withFixedDelay(50).withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody("{\"id\":1{{randomValue length=8 type='NUMERIC'}},\"issueKey\":\"OPS-{{randomValue length=12 type='NUMERIC'}}\","
                        + "\"summary\":\"s\",\"description\":\"d\"}")));
        backlog.stubFor(WireMock.post(urlPathMatching("/api/v2/issues/[^/]+/comments"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":5}")));
        backlog.stubFor(patch(urlPathMatching("/api/v2/issues/[^/]+")).willReturn(okJson("{\"id\":1001}")));

        Path dataDir = Files.createTempDirectory(Path.of("target"), "alert-crash-");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("chatops.data-dir", dataDir.toString());
        properties.put("chatops.mackerel.webhook-token", TOKEN);
        properties.put("chatops.backlog.url", backlog.baseUrl());
        properties.put("chatops.backlog.api-key", "crash-test-backlog-key");
        properties.put("chatops.backlog.project-id", "10");
        properties.put("chatops.backlog.issue-type-id", "20");
        properties.put("chatops.backlog.priority-id", "3");
        properties.put("chatops.slack.signing-secret", "crash-test-signing-secret");
        properties.put("chatops.slack.bot-token", "xoxb-crash-test");
        properties.put("chatops.slack.url", slack.baseUrl());
        properties.put("chatops.slack.alert-channel", "CALERTS");
        hub = HubProcess.viaLauncher(HubProcess.freePort(), dataDir.resolve("hub.log"), properties);
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
        backlog.stop();
        slack.stop();
    }

    @Test
    void everyAlertAcceptedBeforeASigkillGetsExactlyOneIssueAfterTheRestart() throws Exception {
        hub.start(Duration.ofSeconds(120));
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        for (int i = 0; i < INCIDENTS; i++) {
            String id = String.format("4gCrash%04d", i);
            senders.submit(() -> {
                if (!killed.get() && send(notification(id)) == 202) {
                    accepted.add(id);
                }
            });
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> accepted.size() >= INCIDENTS / 2);
        hub.kill();
        killed.set(true);
        senders.shutdown();
        assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        Set<String> acceptedBeforeKill = Set.copyOf(accepted);
        // an issue whose creation the kill caught in flight is created all the same: the request the
        // hub had written still reaches Backlog after the kill, and its delayed answer is journaled
        // once served. Look only when the journal has taken no new creation, and has none being
        // served, for ten times the stub's delay.
        AtomicInteger creationsSeen = new AtomicInteger(-1);
        await().atMost(Duration.ofSeconds(20)).during(Duration.ofMillis(500)).until(() -> {
            int now = issueCreations().size();
            return creationsSeen.getAndSet(now) == now && creationsBeingServed() == 0;
        });
        int createdBeforeKill = createdIssues().size();
        assertThat(createdBeforeKill).as("issues created before the kill").isLessThan(acceptedBeforeKill.size());

        // Backlog's keyword search knows every issue created so far, as the real one would
        createdIssues().forEach((key, issue) -> backlog.stubFor(get(urlPathEqualTo("/api/v2/issues")).atPriority(1)
                .withQueryParam("keyword", equalTo(issue.alertId())).willReturn(okJson("[" + Json.write(Map.of("id", 1,
                        "issueKey", key, "summary", "s", "description", issue.description())) + "]"))));
        hub.start(Duration.ofSeconds(120));

        // the restarted instance takes over the claims its earlier life left and adopts an issue
        // whose creation the kill interrupted, without waiting for those claims to expire
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(issueIdsByAlert().keySet()).containsAll(acceptedBeforeKill));
        // every accepted alert's Backlog delivery has ended (a copy the kill left unacknowledged is
        // delivered again after the restart and ends too), so any second issue would exist by now
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(backlogDeliveriesEnded()).containsAll(acceptedBeforeKill));

        Map<String, List<String>> byAlert = issueIdsByAlert();
        assertThat(byAlert).allSatisfy((id, keys) -> assertThat(keys).as("issues of %s", id).hasSize(1));
        assertThat(byAlert.keySet()).containsAll(acceptedBeforeKill);
    }

    /** The alert ids whose delivery to the Backlog pipeline the hub logged as ended (done or dead-lettered). */
    private Set<String> backlogDeliveriesEnded() throws IOException {
        return hub.deliveries().stream()
                .filter(d -> "alerts-mackerel-to-backlog".equals(d.get("route")))
                .filter(d -> "done".equals(d.get("outcome")) || "dead-lettered".equals(d.get("outcome")))
                .map(d -> d.get("delivery_id").split(":")[1])
                .collect(java.util.stream.Collectors.toSet());
    }

    private int send(String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/hooks/mackerel?token=" + TOKEN))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception refusedOrCut) {
            return 0;
        }
    }

    private static String notification(String id) {
        ObjectNode body = Json.readObject(AlertsHubTest.mackerel("alert-critical-host.json", id));
        return body.toString();
    }

    private record Issue(String alertId, String description) {
    }

    /** Every issue Backlog created (201), by issue key. */
    private Map<String, Issue> createdIssues() {
        Map<String, Issue> created = new HashMap<>();
        for (ServeEvent e : issueCreations()) {
            String issueKey = issueKeyOf(e);
            if (issueKey == null) {
                continue; // the journal can show a delayed answer before its body: it is read on the next look
            }
            String description = AlertsHubTest.formOf(e.getRequest().getBodyAsString()).getOrDefault("description", "");
            Matcher id = ALERT_ID.matcher(description);
            created.put(issueKey, new Issue(id.find() ? id.group(1) : "?", description));
        }
        return created;
    }

    /** Issue creations in the journal whose delayed answer has not been served yet. */
    private long creationsBeingServed() {
        return issueCreations().stream().filter(e -> issueKeyOf(e) == null).count();
    }

    private List<ServeEvent> issueCreations() {
        return backlog.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().equals(RequestMethod.POST)
                        && e.getRequest().getUrl().startsWith("/api/v2/issues?") && e.getResponse().getStatus() == 201)
                .toList();
    }

    private static String issueKeyOf(ServeEvent e) {
        try {
            return Json.text(Json.readObject(e.getResponse().getBodyAsString()), "issueKey");
        } catch (BadRequestException stillBeingServed) {
            return null;
        }
    }

    private Map<String, List<String>> issueIdsByAlert() {
        return Collections.unmodifiableMap(createdIssues().entrySet().stream().collect(Collectors.groupingBy(
                e -> e.getValue().alertId(), Collectors.mapping(Map.Entry::getKey, Collectors.toCollection(ArrayList::new)))));
    }
}
