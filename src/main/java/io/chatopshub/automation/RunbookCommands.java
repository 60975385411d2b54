package io.chatopshub.automation;

import java.time.Clock;
import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.slack.SlackHeaders;

/**
 * Decides what {@code /runbook} does: list, refuse, start, or ask for approval. Every decision
 * is written to the audit trail before the person gets an answer. An allowed request becomes the
 * body, with header {@value RunbookHeaders#STEP}, for the route to put on the queue; the answer
 * waits in exchange property {@value RunbookHeaders#ANSWER} until then, so nothing is promised that was not
 * durably accepted.
 */
@Component("runbookCommands")
public class RunbookCommands {

    private static final Logger LOG = LoggerFactory.getLogger(RunbookCommands.class);

    private final RunbookPolicy policy;
    private final AuditTrail audit;
    private final AzureProperties properties;
    private final Clock clock;

    RunbookCommands(RunbookPolicy policy, AuditTrail audit, AzureProperties properties, Clock clock) {
        this.policy = policy;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    public void decide(Exchange exchange) {
        Message in = exchange.getIn();
        String user = in.getHeader(SlackHeaders.USER_ID, String.class);
        String team = in.getHeader(SlackHeaders.TEAM_ID, String.class);
        String channel = in.getHeader(SlackHeaders.CHANNEL_ID, String.class);
        String triggerId = in.getHeader(SlackHeaders.TRIGGER_ID, String.class);
        String text = in.getHeader(SlackHeaders.TEXT, String.class);
        Instant now = clock.instant();
        RunbookCommand command = RunbookCommand.parse(text);
        in.removeHeader(RunbookHeaders.STEP);

        if (command.isHelp()) {
            audit.record(AuditEntry.listed(RunbookRequest.fromTrigger(triggerId, null, null, team, channel, user, now)));
            answer(exchange, RunbookMessages.help(policy.runnableBy(channel, user)));
            return;
        }
        if (command.isInvalid()) {
            audit.record(AuditEntry.refused(RunbookRequest.fromTrigger(triggerId, null, null, team, channel, user, now),
                    "MALFORMED_COMMAND: " + command.error()));
            answer(exchange, RunbookMessages.ephemeral(":warning: " + Mrkdwn.escape(command.error())));
            return;
        }
        RunbookPolicy.Decision decision = policy.check(command.runbook(), channel, user, command.parameters());
        String runbook = decision.runbook() != null ? decision.runbook().name() : command.runbook();
        RunbookRequest request = RunbookRequest.fromTrigger(triggerId, runbook, command.parameters(), team, channel,
                user, now);
        if (!decision.allowed()) {
            audit.record(AuditEntry.refused(request, decision.reason().name()));
            LOG.info("/runbook {} by {} in {} refused: {}", runbook, user, channel, decision.reason());
            answer(exchange, RunbookMessages.ephemeral(":no_entry: " + decision.message()));
            return;
        }
        audit.record(AuditEntry.allowed(request));
        boolean approval = decision.runbook().approval();
        LOG.info("/runbook {} by {} in {} allowed, job {}{}", runbook, user, channel, request.jobName(),
                approval ? ", waiting for approval" : "");
        answer(exchange, approval ? RunbookMessages.awaitingApproval(request, properties.approvalTimeout())
                : RunbookMessages.starting(request));
        in.setHeader(RunbookHeaders.STEP, approval ? RunbookHeaders.STEP_APPROVAL : RunbookHeaders.STEP_START);
        in.setHeader(RunbookHeaders.REQUEST_ID, request.requestId());
        in.setBody(StateJson.write(request));
    }

    private static void answer(Exchange exchange, ObjectNode answer) {
        exchange.setProperty(RunbookHeaders.ANSWER, answer.toString());
        exchange.getIn().setBody(null);
    }
}
