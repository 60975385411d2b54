package io.chatopshub.backlog;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.chatopshub.alerts.AlertHeaders;
import io.chatopshub.alerts.AlertJson;
import io.chatopshub.alerts.TicketLinks;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.testing.MemoryStateStore;
import io.chatopshub.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Backlog step sets a waiting incident aside instead of waiting in its consumer: the resume
 * messages it schedules are delivered here by hand, as the broker would deliver them later.
 */
class AlertTicketsTests {

    private static final String QUEUE = "chatops.alerts.pipeline.mackerel-backlog";

    private final WireMockServer backlog = new WireMockServer(options().dynamicPort());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:20:00Z"));
    private final MemoryStateStore store = new MemoryStateStore(clock);
    private final List<Resume> resumes = new ArrayList<>();
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private JmsEndpoint endpoint;
    private AlertTickets alertTickets;

    record Resume(String queue, String body, Map<String, String> headers, long at) {
    }

    @BeforeEach
    void start() {
        backlog.start();
        backlog.stubFor(get(urlPathEqualTo("/api/v2/issues")).willReturn(okJson("[]")));
        backlog.stubFor(post(urlPathEqualTo("/api/v2/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":1001,\"issueKey\":\"OPS-42\",\"summary\":\"s\",\"description\":\"d\"}")));
        backlog.stubFor(post(urlPathMatching("/api/v2/issues/OPS-42/comments"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":5}")));
        var properties = new BacklogProperties(backlog.baseUrl(), BacklogTicketsTests.API_KEY, 10L, 20L, 3L);
        var tickets = new BacklogTickets(new BacklogClient(properties, clock), store, clock);
        alertTickets = new AlertTickets(tickets, properties, new TicketLinks(store), new HeldAlerts(store),
                (queue, body, headers, at) -> resumes.add(new Resume(queue, body, headers, at)), "instance-a", clock,
                new SimpleMeterRegistry());
        endpoint = new JmsEndpoint("jms:queue:" + QUEUE, new JmsComponent(camel), QUEUE, false, new JmsConfiguration());
    }

    @AfterEach
    void stop() {
        backlog.stop();
    }

    @Test
    void aNotificationThatKeepsFailingIsGivenUpAfterItsWaitsAndTheNextOfItsIncidentGoesOnInOrder() {
        var outage = backlog.stubFor(post(urlPathEqualTo("/api/v2/issues")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        String critical = AlertJson.write(BacklogTicketsTests.mackerel("alert-critical-host.json"));
        String warning = AlertJson.write(BacklogTicketsTests.mackerel("alert-warning-host.json"));

        alertTickets.handle(exchange(critical, Map.of()));
        assertThat(resumes).hasSize(1);
        assertThat(resumes.get(0).body()).isEqualTo(critical);
        assertThat(resumes.get(0).headers()).containsEntry("JMSXGroupID", "mackerel:" + BacklogTicketsTests.ALERT_ID);
        assertThat(resumes.get(0).at()).isEqualTo(clock.millis() + 1000);

        // the incident's next notification queues up behind it without asking Backlog
        alertTickets.handle(exchange(warning, Map.of()));
        assertThat(resumes).hasSize(1);
        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues")));

        // a copy of an old resume message is recognised and changes nothing
        alertTickets.handle(exchange(critical, Map.of(AlertHeaders.RESUME, "1")));
        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues")));

        for (int wait = 1; wait < AlertTickets.MAX_WAITS; wait++) {
            alertTickets.handle(resumed(resumes.get(resumes.size() - 1)));
            assertThat(resumes).hasSize(wait + 1);
            assertThat(resumes.get(resumes.size() - 1).body()).isEqualTo(critical);
        }
        assertThat(resumes.get(resumes.size() - 1).at() - resumes.get(resumes.size() - 2).at())
                .as("the backoff grows to a minute").isLessThanOrEqualTo(60_000 + 1);

        assertThatThrownBy(() -> alertTickets.handle(resumed(resumes.get(resumes.size() - 1))))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("gave up after " + AlertTickets.MAX_WAITS + " waits: Backlog POST /api/v2/issues answered 503");
        Resume next = resumes.get(resumes.size() - 1);
        assertThat(next.body()).as("the warning is taken up at once").isEqualTo(warning);

        // 1 + MAX_WAITS refused tries of the critical one, then the warning opens the issue
        backlog.removeStub(outage);
        Exchange last = resumed(next);
        alertTickets.handle(last);
        backlog.verify(AlertTickets.MAX_WAITS + 2, postRequestedFor(urlPathEqualTo("/api/v2/issues")));
        assertThat(last.getIn().getHeader(AlertHeaders.TICKET_KEY)).isEqualTo("OPS-42");
        assertThat(resumes).as("nothing waits any more").last().isEqualTo(next);

        // with nothing set aside, the incident's notifications go straight to Backlog again
        alertTickets.handle(exchange(critical, Map.of()));
        backlog.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/issues/OPS-42/comments")));
    }

    private Exchange resumed(Resume resume) {
        clock.advance(java.time.Duration.ofMillis(Math.max(0, resume.at() - clock.millis())));
        return exchange(resume.body(), resume.headers());
    }

    private Exchange exchange(String body, Map<String, String> headers) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getExchangeExtension().setFromEndpoint(endpoint);
        exchange.getExchangeExtension().setFromRouteId("alerts-mackerel-to-backlog");
        exchange.getIn().setBody(body);
        exchange.getIn().setHeader(AlertHeaders.EVENT, AlertHeaders.ALERT);
        headers.forEach(exchange.getIn()::setHeader);
        return exchange;
    }
}
