package io.chatopshub.automation;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackHeaders;
import io.chatopshub.system.Json;

/**
 * Decides what {@code /runbook} and a submitted runbook form do: list, open the form, refuse,
 * start, or ask for approval. Every decision is written to the audit trail before the person gets
 * an answer. An allowed request becomes the body, with header {@value RunbookHeaders#STEP}, for the
 * route to put on the queue; the answer waits in exchange property {@value RunbookHeaders#ANSWER}
 * until then, so nothing is promised that was not durably accepted. Secret parameter values are
 * sealed before the request leaves this class (see {@link ParameterSecrets}).
 */
@Component("runbookCommands")
public class RunbookCommands {

    private static final Logger LOG = LoggerFactory.getLogger(RunbookCommands.class);

    private final RunbookPolicy policy;
    private final AuditTrail audit;
    private final AzureProperties properties;
    private final Clock clock;
    private final ParameterSecrets secrets;
    private final RunbookForms forms;
    private final SlackClient slack;

    RunbookCommands(RunbookPolicy policy, AuditTrail audit, AzureProperties properties, Clock clock,
                    ParameterSecrets secrets, RunbookForms forms, SlackClient slack) {
        this.policy = policy;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
        this.secrets = secrets;
        this.forms = forms;
        this.slack = slack;
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
        if (command.parameters().isEmpty()) {
            RunbookPolicy.Decision decision = policy.check(command.runbook(), channel, user, Map.of());
            if (decision.allowed() && RunbookForms.hasForm(decision.runbook())) {
                try {
                    forms.open(decision.runbook(), channel, triggerId);
                    answer(exchange, RunbookMessages.ephemeral(":memo: The form of " + Mrkdwn.code(decision.runbook().name())
                            + " is open; its progress is posted in this channel once you press Run."));
                    in.setBody(null);
                } catch (RuntimeException e) {
                    LOG.warn("form of runbook {} could not be opened for {}: {}", decision.runbook().name(), user,
                            e.getMessage());
                    answer(exchange, RunbookMessages.ephemeral(":warning: The form of "
                            + Mrkdwn.code(decision.runbook().name()) + " could not be opened. Run it with `/runbook "
                            + Mrkdwn.escape(decision.runbook().name()) + " key=value …` instead."));
                }
                return;
            }
        }
        answer(exchange, decideRun(in, triggerId, command.runbook(), command.parameters(), team, channel, user, now));
    }

    /**
     * A "Run…" button ({@code runbook-form.<name>}, e.g. in the Home tab) pressed: the form opens
     * when the person may run the runbook, also for a runbook without declared parameters (the
     * Home tab offers the button for every runbook; that form only confirms where it runs).
     * Outside a channel the run goes to the runbook's first channel, where its progress is posted.
     * A refusal is told by direct message.
     */
    public void openForm(Exchange exchange) {
        Message in = exchange.getIn();
        String actionId = in.getHeader(SlackHeaders.ACTION_ID, String.class);
        String user = in.getHeader(SlackHeaders.USER_ID, String.class);
        String team = in.getHeader(SlackHeaders.TEAM_ID, String.class);
        String triggerId = in.getHeader(SlackHeaders.TRIGGER_ID, String.class);
        String name = actionId.substring(RunbookForms.OPEN_PREFIX.length());
        String channel = in.getHeader(SlackHeaders.CHANNEL_ID, String.class);
        var runbook = policy.find(name);
        if (runbook.isPresent() && (channel == null || !runbook.get().channels().contains(channel))) {
            channel = runbook.get().channels().get(0);
        }
        RunbookPolicy.Decision decision = policy.check(name, channel, user, Map.of());
        if (!decision.allowed()) {
            String reason = decision.reason().name();
            audit.record(AuditEntry.refused(RunbookRequest.fromTrigger(triggerId, name, null, team, channel, user,
                    clock.instant()), reason));
            LOG.info("form of runbook {} refused to {}: {}", name, user, reason);
            slack.postMessage(user, null, ":no_entry: " + decision.message(), null);
            return;
        }
        forms.open(decision.runbook(), channel, triggerId);
    }

    /**
     * A submitted runbook form (view_submission), decided as {@code /runbook name key=value}
     * would be. The person is told of a refusal by direct message, as a form has no
     * {@code response_url}; an allowed run shows up in the channel.
     */
    public void submitForm(Exchange exchange) {
        Message in = exchange.getIn();
        in.removeHeader(RunbookHeaders.STEP);
        JsonNode payload = Json.readObject(in.getBody(String.class));
        String user = in.getHeader(SlackHeaders.USER_ID, String.class);
        String team = in.getHeader(SlackHeaders.TEAM_ID, String.class);
        String triggerId = in.getHeader(SlackHeaders.TRIGGER_ID, String.class);
        RunbookForms.FormTarget target = RunbookForms.metadata(payload.path("view"));
        Map<String, String> errors = forms.validate(payload);
        if (!errors.isEmpty()) {
            audit.record(AuditEntry.refused(RunbookRequest.fromTrigger(triggerId, target.runbook(), null, team,
                    target.channel(), user, clock.instant()), "INVALID_FORM: " + String.join(", ", errors.values())));
            in.setBody(null);
            slack.postMessage(user, null, ":no_entry: " + Mrkdwn.code(String.valueOf(target.runbook()))
                    + " did not run: " + Mrkdwn.escape(String.join(" ", errors.values())), null);
            return;
        }
        ObjectNode answer = decideRun(in, triggerId, target.runbook(), RunbookForms.values(payload.path("view")), team,
                target.channel(), user, clock.instant());
        if (in.getHeader(RunbookHeaders.STEP) == null) {
            slack.postMessage(user, null, answer.path("text").asText(), null);
        }
    }

    /**
     * The decision on one run: refused (answer says why), or allowed (answer says what happens
     * next; the body is the request and {@value RunbookHeaders#STEP} says where it goes). The
     * values are checked against the declared parameters ({@code required}, {@code choices}) before
     * anything is queued, as the form checks them.
     */
    private ObjectNode decideRun(Message in, String triggerId, String name, Map<String, String> parameters,
                                 String team, String channel, String user, Instant now) {
        RunbookPolicy.Decision decision = policy.checkRun(name, channel, user, parameters);
        String runbook = decision.runbook() != null ? decision.runbook().name() : name;
        Map<String, String> sealed = secrets.seal(decision.runbook(), parameters);
        RunbookRequest request = RunbookRequest.fromTrigger(triggerId, runbook, sealed, team, channel, user, now);
        in.setBody(null);
        if (!decision.allowed()) {
            audit.record(AuditEntry.refused(request, decision.auditReason()));
            LOG.info("/runbook {} by {} in {} refused: {}", runbook, user, channel, decision.reason());
            return RunbookMessages.ephemeral(":no_entry: " + decision.message());
        }
        audit.record(AuditEntry.allowed(request));
        boolean approval = decision.runbook().approval();
        LOG.info("/runbook {} by {} in {} allowed, job {}{}", runbook, user, channel, request.jobName(),
                approval ? ", waiting for approval" : "");
        in.setHeader(RunbookHeaders.STEP, approval ? RunbookHeaders.STEP_APPROVAL : RunbookHeaders.STEP_START);
        in.setHeader(RunbookHeaders.REQUEST_ID, request.requestId());
        in.setBody(StateJson.write(request));
        return approval ? RunbookMessages.awaitingApproval(request, properties.approvalTimeout())
                : RunbookMessages.starting(request);
    }

    private static void answer(Exchange exchange, ObjectNode answer) {
        exchange.setProperty(RunbookHeaders.ANSWER, answer.toString());
    }
}
