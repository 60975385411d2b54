package io.chatopshub.automation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import java.util.ArrayList;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.Gson;
import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.ConfirmationDialogObject;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.util.json.GsonFactory;

import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.slack.Mrkdwn;

/**
 * The Slack messages of a runbook run, as {@code {"text":…,"blocks":[…]}} payloads that
 * {@code chat.postMessage}, {@code chat.update} and {@code response_url} all accept once the
 * caller adds {@code channel}/{@code ts}. Blocks are built with the Slack SDK's Block Kit model
 * and serialised by its own Gson set-up, so field names and types are Slack's, not ours.
 * Everything a person typed is escaped, and values of secret parameters are shown as {@code ***}.
 */
public final class RunbookMessages {

    public static final String APPROVE_ACTION = "runbook.approve";
    public static final String REJECT_ACTION = "runbook.reject";
    /** The Cancel button of a progress message; its value is the job name. */
    public static final String CANCEL_ACTION = "runbook.cancel";
    /** Slack refuses section text longer than this. */
    static final int SECTION_LIMIT = 3000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Gson GSON = GsonFactory.createSnakeCase();
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunbookMessages() {
    }

    /** The one channel message that is updated as the job moves on. */
    public static ObjectNode progress(RunbookRequest request, AutomationJob job) {
        return progress(request, job, List.of());
    }

    /**
     * The progress message with extra context lines (who approved it, why the hub stopped
     * watching), already in mrkdwn.
     */
    public static ObjectNode progress(RunbookRequest request, AutomationJob job, List<String> notes) {
        return progress(request, job, notes, false);
    }

    /**
     * The progress message; with {@code cancellable} it ends with a Cancel button (confirmed by
     * a dialog) that stops the job in Azure.
     */
    public static ObjectNode progress(RunbookRequest request, AutomationJob job, List<String> notes, boolean cancellable) {
        JobStatus status = job.status();
        String statusWord = status == JobStatus.UNKNOWN && job.statusText() != null ? job.statusText() : status.azureName();
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(status.emoji() + " *" + Mrkdwn.escape(request.runbook()) + "* is *"
                + Mrkdwn.escape(statusWord) + "*\n" + whoAndWhen(request)));
        if (status.needsPerson()) {
            blocks.add(section(":warning: The job is *" + statusWord + "* and waits for someone to look at it in the "
                    + "Azure portal; it will not finish by itself."));
        }
        if (job.exception() != null && !job.exception().isBlank()) {
            blocks.add(section("*Error*\n" + codeBlock(job.exception(), 1000).text()));
        }
        StringBuilder context = new StringBuilder("Job `").append(Mrkdwn.escape(request.jobName())).append('`');
        if (job.startTime() != null) {
            context.append(" · started ").append(Mrkdwn.date(job.startTime()));
        }
        if (job.endTime() != null) {
            context.append(" · ended ").append(Mrkdwn.date(job.endTime()));
        }
        blocks.add(context(context.toString()));
        for (String note : notes) {
            blocks.add(context(note));
        }
        if (job.dryRun()) {
            blocks.add(context("DRY-RUN: Azure credentials are not set, nothing ran in Azure."));
        }
        if (cancellable && !status.isFinal()) {
            blocks.add(ActionsBlock.builder().blockId("runbook.job").elements(List.of(ButtonElement.builder()
                    .actionId(CANCEL_ACTION).value(request.jobName()).style("danger")
                    .text(plain("Cancel"))
                    .confirm(ConfirmationDialogObject.builder().title(plain("Stop the job?"))
                            .text(MarkdownTextObject.builder().text("Stop *" + Mrkdwn.escape(request.runbook())
                                    + "* in Azure Automation? It ends as Stopped.").build())
                            .confirm(plain("Stop it")).deny(plain("Keep running")).style("danger").build())
                    .build())).build());
        }
        return message(status.emoji() + " " + request.runbook() + ": " + statusWord, blocks);
    }

    /** The progress message of a job Azure refused to start; the reason is in its thread. */
    public static ObjectNode notStarted(RunbookRequest request, List<String> notes) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(":x: *" + Mrkdwn.escape(request.runbook()) + "* could not be started\n"
                + whoAndWhen(request)));
        blocks.add(context("Job `" + Mrkdwn.escape(request.jobName()) + "` · the reason is in the thread"));
        for (String note : notes) {
            blocks.add(context(note));
        }
        return message(":x: " + request.runbook() + ": not started", blocks);
    }

    /**
     * Why Azure refused to start or report a job, for the thread of the progress message: what
     * to do first, then Azure's own words.
     */
    public static String azureRefused(RunbookRequest request, String code, String detail) {
        String runbook = Mrkdwn.code(request.runbook());
        String lead = switch (code == null ? "" : code) {
            case "azure_credentials", "azure_unauthorized" -> ":lock: Azure did not accept the hub's credentials, "
                    + "so " + runbook + " could not be run or followed. An administrator must check "
                    + "`chatops.azure.tenant-id`, `client-id` and `client-secret`.";
            case "azure_forbidden" -> ":lock: The hub is not allowed to run " + runbook + " in Azure Automation "
                    + "(HTTP 403). An administrator must give its app registration the *Automation Operator* "
                    + "role on the Automation account.";
            case "azure_not_found" -> ":mag: Azure Automation has no runbook " + runbook + " (HTTP 404). Check "
                    + "its name in `chatops.azure.runbooks` and that it is published.";
            case "secret_unreadable" -> ":lock: The secret parameters of " + runbook + " could not be read any "
                    + "more (the hub restarted, or another instance took the run, and `chatops.azure.parameter-key` "
                    + "is not set), so it did not run. Ask again with `/runbook`.";
            case "azure_job_not_found" -> ":mag: Azure Automation no longer knows job `"
                    + Mrkdwn.escape(request.jobName()) + "` (HTTP 404); the hub stopped following it.";
            default -> ":x: Azure Automation refused the request for " + runbook + ".";
        };
        return detail == null || detail.isBlank() ? lead : lead + "\n>" + Mrkdwn.escape(detail);
    }

    /** Said in the thread when a job enters a status it cannot leave without someone. */
    public static String needsPerson(RunbookRequest request, AutomationJob job) {
        String status = job.statusText() != null ? job.statusText() : job.status().azureName();
        return ":warning: <!here> " + Mrkdwn.code(request.runbook()) + " is *" + Mrkdwn.escape(status)
                + "* and needs a person: open job `" + Mrkdwn.escape(request.jobName())
                + "` in the Azure portal to resume or stop it.";
    }

    /** The context line of a job the hub stopped watching. */
    public static String stoppedWatching(Duration limit) {
        return ":hourglass: The hub stopped watching this job after " + humanDuration(limit)
                + "; its status here may be out of date. Look it up in the Azure portal.";
    }

    /** The context line naming who stopped the job with Cancel. */
    public static String stoppedBy(String userId) {
        return ":octagonal_sign: Stopped by <@" + Mrkdwn.escape(userId) + ">";
    }

    /** The context line naming who approved the run. */
    public static String approvedBy(String approverId) {
        return "Approved by <@" + Mrkdwn.escape(approverId) + ">";
    }

    /** The ephemeral answer to an allowed {@code /runbook} that starts at once. */
    public static ObjectNode starting(RunbookRequest request) {
        return ephemeral(":rocket: Starting " + Mrkdwn.code(request.runbook())
                + ". Its progress is posted in this channel.");
    }

    /** The ephemeral answer to an allowed {@code /runbook} that first needs a second person. */
    public static ObjectNode awaitingApproval(RunbookRequest request, Duration timeout) {
        return ephemeral(":raised_hand: " + Mrkdwn.code(request.runbook()) + " needs approval. The request is "
                + "posted in this channel; someone else who may run it must approve it within "
                + humanDuration(timeout) + ".");
    }

    /** The ephemeral refusal of a button press, sent through its {@code response_url}. */
    public static ObjectNode refusal(String mrkdwn) {
        ObjectNode message = ephemeral(mrkdwn);
        message.put("replace_original", false);
        return message;
    }

    /** Asks the channel for a second person; the buttons carry the request id. */
    public static ObjectNode approvalRequest(RunbookRequest request, Duration timeout) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(":raised_hand: *" + Mrkdwn.escape(request.runbook()) + "* needs approval\n"
                + whoAndWhen(request)));
        blocks.add(context("Someone else who may run it must approve within " + humanDuration(timeout) + "."));
        blocks.add(ActionsBlock.builder().blockId("runbook.approval").elements(List.of(
                button("Approve", APPROVE_ACTION, "primary", request.requestId()),
                button("Reject", REJECT_ACTION, "danger", request.requestId()))).build());
        return message(request.runbook() + " needs approval", blocks);
    }

    /** Replaces the approval request once someone approved it; the buttons are gone. */
    public static ObjectNode approved(RunbookRequest request, String approverId) {
        return resolved(request, ":white_check_mark: Approved by <@" + Mrkdwn.escape(approverId) + ">",
                request.runbook() + " approved");
    }

    public static ObjectNode rejected(RunbookRequest request, String rejecterId) {
        return resolved(request, ":no_entry_sign: Rejected by <@" + Mrkdwn.escape(rejecterId) + ">; it did not run.",
                request.runbook() + " rejected");
    }

    public static ObjectNode expired(RunbookRequest request, Duration timeout) {
        return resolved(request, ":hourglass: Nobody approved it within " + humanDuration(timeout) + "; it did not run.",
                request.runbook() + " approval expired");
    }

    /**
     * The job output, for the thread of the progress message. Long output keeps its end, where
     * results and errors usually are, and says how much was left out.
     */
    public static ObjectNode output(RunbookRequest request, AutomationJob job, String output) {
        String fallback = "Output of " + request.runbook();
        List<LayoutBlock> blocks = new ArrayList<>();
        if (output == null || output.isBlank()) {
            blocks.add(section("_The job wrote no output._"));
            return message(fallback, blocks);
        }
        Block block = codeBlock(output, SECTION_LIMIT);
        blocks.add(section(block.text()));
        if (block.cut()) {
            blocks.add(context(":scissors: Output cut: showing the last " + block.shown() + " of "
                    + block.total() + " characters. The whole output is in the Azure portal under job `"
                    + Mrkdwn.escape(job.name()) + "`."));
        }
        return message(fallback, blocks);
    }

    /** The ephemeral answer to {@code /runbook} or {@code /runbook help}. */
    public static ObjectNode help(List<Runbook> runnable) {
        StringBuilder text = new StringBuilder();
        if (runnable.isEmpty()) {
            text.append("No runbook can be run by you in this channel.");
        } else {
            text.append("*Runbooks you can run here*\n");
            for (Runbook runbook : runnable) {
                text.append("• `").append(Mrkdwn.escape(runbook.name())).append('`');
                if (runbook.restrictsParameters() && !runbook.parameters().isEmpty()) {
                    text.append(' ').append(runbook.parameterNames().stream()
                            .map(p -> Mrkdwn.escape(p) + "=…").collect(Collectors.joining(" ")));
                }
                if (runbook.approval()) {
                    text.append(" _(needs approval)_");
                }
                text.append('\n');
            }
            text.append("Usage: `/runbook <name> key=value …`; quote values with spaces: `message=\"hello world\"`");
        }
        return ephemeral(text.toString());
    }

    /** An ephemeral answer carrying a refusal or a parse error, already in mrkdwn. */
    public static ObjectNode ephemeral(String mrkdwn) {
        ObjectNode message = NODES.objectNode();
        message.put("response_type", "ephemeral");
        message.put("text", mrkdwn);
        return message;
    }

    private static ObjectNode resolved(RunbookRequest request, String outcome, String fallback) {
        return message(fallback, List.of(section("*" + Mrkdwn.escape(request.runbook()) + "*\n" + whoAndWhen(request)),
                context(outcome)));
    }

    private static String whoAndWhen(RunbookRequest request) {
        StringBuilder text = new StringBuilder("Requested by <@").append(Mrkdwn.escape(request.userId())).append('>');
        if (request.requestedAt() != null) {
            text.append(' ').append(Mrkdwn.date(request.requestedAt()));
        }
        Map<String, String> shown = ParameterMasking.mask(request.parameters());
        if (shown.isEmpty()) {
            text.append("\nNo parameters");
        } else {
            text.append("\nParameters: ").append(shown.entrySet().stream()
                    .map(e -> Mrkdwn.escape(e.getKey()) + "=" + Mrkdwn.code(e.getValue()))
                    .collect(Collectors.joining(", ")));
        }
        return text.toString();
    }

    static String humanDuration(Duration duration) {
        if (duration.toMinutes() >= 60 && duration.toMinutesPart() == 0) {
            return duration.toHours() + (duration.toHours() == 1 ? " hour" : " hours");
        }
        if (duration.toSeconds() >= 60 && duration.toSecondsPart() == 0) {
            return duration.toMinutes() + (duration.toMinutes() == 1 ? " minute" : " minutes");
        }
        return duration.toSeconds() + (duration.toSeconds() == 1 ? " second" : " seconds");
    }

    private record Block(String text, boolean cut, int shown, int total) {
    }

    /**
     * A code block of at most {@code limit} characters after escaping, keeping the end of the
     * text; triple backticks inside are broken up so they cannot end the block early.
     */
    private static Block codeBlock(String raw, int limit) {
        String safe = raw.replace("```", "`\u200B`\u200B`");
        int budget = limit - 6;
        StringBuilder kept = new StringBuilder();
        int used = 0;
        int i = safe.length();
        while (i > 0) {
            int start = Character.isLowSurrogate(safe.charAt(i - 1)) && i >= 2 ? i - 2 : i - 1;
            String piece = Mrkdwn.escape(safe.substring(start, i));
            if (used + piece.length() > budget) {
                break;
            }
            kept.insert(0, piece);
            used += piece.length();
            i = start;
        }
        boolean cut = i > 0;
        return new Block("```" + kept + "```", cut, safe.length() - i, safe.length());
    }

    /** {"text": fallback, "blocks": [...]}: the blocks as the SDK serialises them, in a Jackson tree. */
    private static ObjectNode message(String fallbackText, List<LayoutBlock> blocks) {
        ObjectNode message = NODES.objectNode();
        message.put("text", fallbackText);
        try {
            JsonNode tree = JSON.readTree(GSON.toJson(blocks));
            message.set("blocks", tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the Slack SDK wrote blocks that are not JSON", e);
        }
        return message;
    }

    private static SectionBlock section(String mrkdwn) {
        return SectionBlock.builder().text(MarkdownTextObject.builder().text(mrkdwn).build()).build();
    }

    private static ContextBlock context(String mrkdwn) {
        return ContextBlock.builder().elements(List.of(MarkdownTextObject.builder().text(mrkdwn).build())).build();
    }

    private static PlainTextObject plain(String text) {
        return PlainTextObject.builder().text(text).build();
    }

    private static ButtonElement button(String label, String actionId, String style, String value) {
        return ButtonElement.builder().actionId(actionId).style(style).value(value).text(plain(label)).build();
    }
}
