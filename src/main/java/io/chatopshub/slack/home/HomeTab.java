package io.chatopshub.slack.home;

import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;

import org.springframework.stereotype.Component;

import io.chatopshub.automation.AuditTrail;
import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.automation.InFlightJobs;
import io.chatopshub.automation.RunbookPolicy;
import io.chatopshub.gitlab.DeployTargets;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.ReleaseFreeze;
import io.chatopshub.gitlab.ReleasePolicy;
import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackEvent;

/**
 * The hub's Home tab, published ({@code views.publish}) each time a person opens it, so it always
 * shows the present: what that person may run or release, whether releases are frozen, what they
 * did lately and which jobs are running. Everything is read from the other features' own state
 * (runbook policy, deploy targets, the freeze, the audit trail, the jobs in flight); nothing is
 * kept here.
 *
 * <p>Jobs in flight are shown only for runbooks the person may run themselves: the tab answers
 * "what can I do and what is going on with it", and a person allowed nothing sees nothing of
 * other people's work.
 */
@Component("slackHomeTab")
public class HomeTab {

    /** Action id prefix of the "Run…" buttons; the runbook form opens for {@code runbook-form.<name>}. */
    public static final String RUN_ACTION_PREFIX = "runbook-form.";
    static final int RECENT_ACTIONS = 5;
    /** How far back the audit trail is read to find a person's recent actions. */
    static final int AUDIT_LINES_READ = 500;

    private final SlackClient slack;
    private final RunbookPolicy runbooks;
    private final DeployTargets deployTargets;
    private final ReleasePolicy releases;
    private final ReleaseFreeze freeze;
    private final AuditTrail audit;
    private final InFlightJobs jobs;

    HomeTab(SlackClient slack, RunbookPolicy runbooks, DeployTargets deployTargets, ReleasePolicy releases,
            ReleaseFreeze freeze, AuditTrail audit, InFlightJobs jobs) {
        this.slack = slack;
        this.runbooks = runbooks;
        this.deployTargets = deployTargets;
        this.releases = releases;
        this.freeze = freeze;
        this.audit = audit;
        this.jobs = jobs;
    }

    /** {@code app_home_opened}: publishes the opener's view. */
    public void publish(SlackEvent event) {
        if (event.user() == null || event.user().isBlank()) {
            return;
        }
        slack.publishView(event.user(), view(event.user()));
    }

    View view(String userId) {
        List<Runbook> runnable = runbooks.runnableBy(userId);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText("What you can do with chatops-hub"))));

        blocks.add(section(s -> s.text(markdownText("*Runbooks you may run*"))));
        if (runnable.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("No runbook is open to you."))));
        }
        for (Runbook runbook : runnable) {
            blocks.add(section(s -> s.text(markdownText(runbookLine(runbook)))
                    .accessory(button(b -> b.text(plainText("Run…")).actionId(RUN_ACTION_PREFIX + runbook.name())
                            .value(runbook.name())))));
        }

        blocks.add(divider());
        blocks.add(section(s -> s.text(markdownText("*Releases*\n" + freezeLine() + "\n" + releaseLines(userId)))));

        blocks.add(divider());
        blocks.add(section(s -> s.text(markdownText("*Your recent actions*\n" + recentActions(userId)))));

        blocks.add(divider());
        Set<String> visible = runnable.stream().map(Runbook::name).collect(Collectors.toSet());
        blocks.add(section(s -> s.text(markdownText("*Jobs in flight*\n" + jobLines(visible)))));
        return View.builder().type("home").blocks(blocks).build();
    }

    private static String runbookLine(Runbook runbook) {
        return Mrkdwn.code(runbook.name()) + " in " + channels(runbook.channels())
                + (runbook.approval() ? " · needs a second person's approval" : "");
    }

    private String freezeLine() {
        Optional<String> reason = freeze.reason();
        return reason.map(r -> ":no_entry: Releases are frozen: " + Mrkdwn.escape(r))
                .orElse(":white_check_mark: Releases are open.");
    }

    private String releaseLines(String userId) {
        List<DeployTarget> targets = deployTargets.all().stream().filter(t -> releases.mayRelease(t, userId)).toList();
        if (targets.isEmpty()) {
            return "No project can be released by you from Slack.";
        }
        return targets.stream()
                .map(t -> "• " + Mrkdwn.code(t.project()) + " from " + Mrkdwn.code(t.ref()) + " in <#" + t.channel()
                        + "> (`@hub release " + t.project() + "`)" + freeze.ownReason(t.project())
                        .map(r -> " :no_entry: frozen: " + Mrkdwn.escape(r)).orElse(""))
                .collect(Collectors.joining("\n"));
    }

    private String recentActions(String userId) {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> entry : audit.read(AUDIT_LINES_READ)) {
            if (lines.size() == RECENT_ACTIONS) {
                break;
            }
            boolean theirs = userId.equals(entry.get("userId")) || userId.equals(entry.get("actorId"));
            String what = theirs ? action(entry, userId) : null;
            if (what != null) {
                lines.add("• " + when(entry.get("time")) + Mrkdwn.code(String.valueOf(entry.get("runbook"))) + " "
                        + what + (entry.get("channelId") == null ? "" : " in <#" + entry.get("channelId") + ">"));
            }
        }
        return lines.isEmpty() ? "Nothing yet." : String.join("\n", lines);
    }

    /** What an audit entry says the person did, or null for entries not worth showing. */
    private static String action(Map<String, Object> entry, String userId) {
        String event = String.valueOf(entry.get("event"));
        boolean asked = userId.equals(entry.get("userId"));
        return switch (event) {
            case "ALLOWED" -> "requested";
            // an entry without an actor is the person's own request (that is why it was read)
            case "REFUSED" -> entry.get("actorId") == null ? "refused"
                    : userId.equals(entry.get("actorId")) ? "your press was refused"
                    : null; // someone else's press on the person's request: not their action
            case "APPROVAL_REQUESTED" -> "waiting for approval";
            case "APPROVED" -> asked ? "approved by <@" + entry.get("approvedBy") + ">"
                    : "you approved <@" + entry.get("userId") + ">'s run";
            case "REJECTED" -> asked && userId.equals(entry.get("rejectedBy")) ? "you withdrew it"
                    : asked ? "rejected by <@" + entry.get("rejectedBy") + ">"
                    : "you rejected <@" + entry.get("userId") + ">'s run";
            case "EXPIRED" -> "approval expired";
            case "STARTED" -> "started";
            case "FINISHED" -> "finished: " + Mrkdwn.escape(String.valueOf(entry.get("outcome")));
            case "FAILED" -> "could not be run";
            default -> null;
        };
    }

    /** Slack shows the time in the reader's own time zone; the fallback is UTC. */
    private static String when(Object time) {
        if (time == null) {
            return "";
        }
        try {
            Instant at = Instant.parse(time.toString());
            return Mrkdwn.date(at) + " ";
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    private String jobLines(Set<String> visibleRunbooks) {
        List<String> lines = jobs.inFlight().stream()
                .filter(job -> visibleRunbooks.contains(job.runbook()))
                .map(job -> "• " + Mrkdwn.code(job.runbook()) + " " + (job.status() == null ? "Starting"
                        : Mrkdwn.escape(job.status())) + ", asked by <@" + job.userId() + "> in <#"
                        + job.channelId() + ">")
                .toList();
        return lines.isEmpty() ? "No runbook job of yours to see is running." : String.join("\n", lines);
    }

    private static String channels(List<String> channelIds) {
        return channelIds.stream().map(c -> "<#" + c + ">").collect(Collectors.joining(", "));
    }
}
