package io.chatopshub.backlog;

import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertHeaders;
import io.chatopshub.alerts.AlertJson;
import io.chatopshub.alerts.LastAttempt;
import io.chatopshub.alerts.TicketLinks;
import io.chatopshub.system.TransientFailureException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The step of the {@code alert-to-backlog} template: applies an alert to its Backlog issue in the
 * pipeline's project and, when the incident's ticket becomes known, turns the message into a
 * {@code ticket} event that the route sends back to the dispatcher, so Slack messages link it.
 */
public class AlertTickets {

    private final BacklogTickets tickets;
    private final BacklogProperties properties;
    private final TicketLinks links;

    AlertTickets(BacklogTickets tickets, BacklogProperties properties, TicketLinks links) {
        this.tickets = tickets;
        this.properties = properties;
        this.links = links;
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
        TicketOutcome outcome;
        try {
            outcome = tickets.handle(alert, target);
        } catch (TransientFailureException e) {
            throw LastAttempt.isLast(exchange) ? LastAttempt.givenUp(e) : e;
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
}
