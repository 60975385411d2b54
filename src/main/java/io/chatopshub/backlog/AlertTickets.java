package io.chatopshub.backlog;

import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertHeaders;
import io.chatopshub.alerts.AlertJson;
import io.chatopshub.alerts.AlertPipelines;
import io.chatopshub.alerts.TicketLinks;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step of the {@code alert-to-backlog} template: applies an alert to its Backlog issue in the
 * pipeline's project and, when the incident's ticket becomes known, turns the message into a
 * {@code ticket} event that the route sends back to the dispatcher, so Slack messages link it.
 *
 * <p>An incident that has to wait (Backlog 503 or 429, another instance opening its issue) does
 * not wait in the consumer: the pipeline's consumers each serve the incidents (JMS message groups)
 * the broker gave them, so a consumer sleeping through a backoff would hold up every incident
 * behind it. Instead the notification is kept in {@link HeldAlerts} and acknowledged, and a
 * resume message of the same group (a copy of it with {@value AlertHeaders#RESUME}) is scheduled
 * for when the wait is over. Later notifications of that incident queue up behind it in the same
 * entry, so its order is kept; they are taken up one resume message at a time. After
 * {@value #MAX_WAITS} waits the notification is given up: parked in the dead-letter queue and told
 * to the ops channel, like any other failure, and the next one of the incident goes on.
 */
public class AlertTickets {

    /** Waits of one notification before it is given up: with the backoff, about 35 minutes. */
    static final int MAX_WAITS = 40;
    static final String WAITS = "chatops.alerts.waits";
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration LONGEST_BACKOFF = Duration.ofSeconds(60);
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);
    /** A resume this late was lost; longer than the longest wait. */
    private static final Duration OVERDUE = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(AlertTickets.class);

    /** Sends a copy of a notification to a queue, delivered by the broker at {@code atMillis}. */
    @FunctionalInterface
    interface Resumer {
        void schedule(String queue, String body, Map<String, String> headers, long atMillis);
    }

    private final BacklogTickets tickets;
    private final BacklogProperties properties;
    private final TicketLinks links;
    private final HeldAlerts held;
    private final Resumer resumer;
    private final String instanceName;
    private final Clock clock;
    private final MeterRegistry metrics;

    AlertTickets(BacklogTickets tickets, BacklogProperties properties, TicketLinks links, HeldAlerts held,
            Resumer resumer, String instanceName, Clock clock, MeterRegistry metrics) {
        this.tickets = tickets;
        this.properties = properties;
        this.links = links;
        this.held = held;
        this.resumer = resumer;
        this.instanceName = instanceName;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Someone pressed Acknowledge on the alert in the body: a comment on the incident's issue says
     * who, once per person and issue. No issue (yet): nothing to comment on.
     */
    public void acknowledge(Exchange exchange) {
        Message in = exchange.getIn();
        Alert alert = AlertJson.read(in.getBody(String.class));
        String user = in.getHeader(AlertHeaders.ACKED_BY, String.class);
        String name = in.getHeader(AlertHeaders.ACKED_BY_NAME, String.class);
        links.find(alert).ifPresent(link -> tickets.acknowledge(link.key(), user, name));
    }

    public void handle(Exchange exchange) {
        Message in = exchange.getIn();
        Alert alert = AlertJson.read(in.getBody(String.class));
        BacklogTarget target = BacklogTarget.of(properties, in.getHeader(AlertHeaders.BACKLOG_PROJECT_ID, String.class),
                in.getHeader(AlertHeaders.BACKLOG_ISSUE_TYPE_ID, String.class),
                in.getHeader(AlertHeaders.BACKLOG_PRIORITY_ID, String.class));
        String queue = queue(exchange);
        String heldKey = "backlog:held:" + queue + ":" + instanceName + ":" + alert.source().id() + "|" + alert.key();
        Optional<HeldAlerts.Held> waiting = held.get(heldKey);
        Long resumeAt = in.getHeader(AlertHeaders.RESUME, Long.class);
        boolean resumed = waiting.isPresent() && resumeAt != null && resumeAt == waiting.get().resumeAt();
        if (waiting.isPresent() && !resumed) {
            HeldAlerts.Held more = waiting.get().contains(alert.dedupKey()) ? waiting.get()
                    : waiting.get().plus(entry(in, alert));
            long now = clock.millis();
            if (now > more.resumeAt() + OVERDUE.toMillis()) {
                // its resume message was lost (a broker that lost its journal): take the head up again
                long at = Math.max(now, more.resumeAt() + 1);
                more = new HeldAlerts.Held(more.entries(), more.waits(), at);
                resumer.schedule(queue, more.entries().get(0).body(), resumeHeaders(more.entries().get(0), at), at);
            }
            if (more != waiting.get()) {
                held.put(heldKey, more);
            }
            return;
        }
        HeldAlerts.Held before = resumed ? waiting.get() : new HeldAlerts.Held(List.of(entry(in, alert)), 0, 0);
        TicketOutcome outcome;
        try {
            outcome = tickets.handle(alert, target);
        } catch (TransientFailureException e) {
            int waits = before.waits() + 1;
            if (waits > MAX_WAITS) {
                takeUpNext(queue, heldKey, before);
                throw new PermanentFailureException("retries_exhausted",
                        "gave up after " + MAX_WAITS + " waits: " + e.getMessage());
            }
            long at = Math.max(clock.millis() + wait(e, waits).toMillis(), before.resumeAt() + 1);
            HeldAlerts.Held after = before.waited(at);
            HeldAlerts.Entry head = after.entries().get(0);
            resumer.schedule(queue, head.body(), resumeHeaders(head, at), at);
            held.put(heldKey, after);
            Counter.builder(WAITS).description("Alert notifications set aside to wait for Backlog, their consumer freed")
                    .tag("route", String.valueOf(exchange.getFromRouteId())).register(metrics).increment();
            LOG.debug("{} waits {} ms ({}): {}", alert.key(), at - clock.millis(), waits, e.getMessage());
            return;
        } catch (RuntimeException e) {
            // refused for good (parked by the route) or failed unexpectedly: the next one goes on
            if (resumed) {
                takeUpNext(queue, heldKey, before);
            }
            throw e;
        }
        if (resumed) {
            takeUpNext(queue, heldKey, before);
        }
        in.removeHeader(AlertHeaders.TICKET_KEY);
        in.removeHeader(AlertHeaders.TICKET_URL);
        if (outcome.issueKey().isEmpty()) {
            return;
        }
        String issueKey = outcome.issueKey().get();
        String url = outcome.issueUrl().orElse(null);
        if (links.record(alert, String.valueOf(target.projectId()), issueKey, url)) {
            in.setHeader(AlertHeaders.EVENT, AlertHeaders.TICKET);
            in.setHeader(AlertHeaders.TICKET_KEY, issueKey);
            if (url != null) {
                in.setHeader(AlertHeaders.TICKET_URL, url);
            }
        }
    }

    /** The head of {@code before} is done with: the next waiting notification is resumed at once. */
    private void takeUpNext(String queue, String heldKey, HeldAlerts.Held before) {
        if (before.entries().size() <= 1) {
            held.remove(heldKey);
            return;
        }
        long at = Math.max(clock.millis(), before.resumeAt() + 1);
        HeldAlerts.Held after = before.next(at);
        HeldAlerts.Entry head = after.entries().get(0);
        resumer.schedule(queue, head.body(), resumeHeaders(head, at), at);
        held.put(heldKey, after);
    }

    private static Duration wait(TransientFailureException e, int waits) {
        if (e.retryAfter().isPresent()) {
            return e.retryAfter().get().compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : e.retryAfter().get();
        }
        long backoff = FIRST_WAIT.toMillis() << Math.min(waits - 1, 16);
        return Duration.ofMillis(Math.min(backoff, LONGEST_BACKOFF.toMillis()));
    }

    /** What a resume message must carry again: the alert's own headers and its message group. */
    private static HeldAlerts.Entry entry(Message in, Alert alert) {
        Map<String, String> headers = new LinkedHashMap<>();
        in.getHeaders().forEach((name, value) -> {
            if (value != null && name.startsWith("Chatops") && !name.equals(AlertHeaders.RESUME)) {
                headers.put(name, value.toString());
            }
        });
        headers.put(AlertPipelines.GROUP_ID, alert.source().id() + ":" + alert.key());
        return new HeldAlerts.Entry(in.getBody(String.class), headers, alert.dedupKey());
    }

    private static Map<String, String> resumeHeaders(HeldAlerts.Entry entry, long at) {
        Map<String, String> headers = new LinkedHashMap<>(entry.headers());
        headers.put(AlertHeaders.RESUME, Long.toString(at));
        return headers;
    }

    private static String queue(Exchange exchange) {
        if (exchange.getFromEndpoint() instanceof JmsEndpoint endpoint) {
            return endpoint.getDestinationName();
        }
        throw new IllegalStateException("alert-to-backlog pipelines consume from a JMS queue");
    }
}
