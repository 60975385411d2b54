package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import io.chatopshub.automation.AzureProperties.Runbook;

class RunbookMessagesTests {

    private static final Instant ASKED = Instant.parse("2024-05-01T10:00:00Z");

    private static RunbookRequest request() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("AppName", "web <prod>");
        parameters.put("ApiKey", "abc123");
        return new RunbookRequest("trigger-1", "Restart-WebApp", parameters, "T1", "C1", "U-ALICE", ASKED, "job-1");
    }

    private static AutomationJob job(JobStatus status, String exception) {
        return new AutomationJob("job-1", status, status.azureName(), "Processing", ASKED,
                Instant.parse("2024-05-01T10:00:05Z"), null, exception, false);
    }

    private static String allText(JsonNode message) {
        StringBuilder text = new StringBuilder();
        message.findValues("text").forEach(node -> text.append(node.isTextual() ? node.asText() : node.toString()).append('\n'));
        return text.toString();
    }

    @Test
    void progressSaysWhoStartedWhatWithWhichParametersAndTheStatus() {
        ObjectNode message = RunbookMessages.progress(request(), job(JobStatus.RUNNING, null));

        String text = allText(message);
        assertThat(message.get("text").asText()).isEqualTo(":runner: Restart-WebApp: Running");
        assertThat(text).contains("*Restart-WebApp* is *Running*", "<@U-ALICE>", "<!date^1714557600^",
                "AppName=`web &lt;prod&gt;`", "ApiKey=`***`", "Job `job-1`")
                .doesNotContain("abc123", "waits for someone");
    }

    @Test
    void aStatusThatNeedsAPersonIsCalledOut() {
        String text = allText(RunbookMessages.progress(request(), job(JobStatus.SUSPENDED, "Exception in workflow")));

        assertThat(text).contains(":warning: The job is *Suspended*", "Exception in workflow");
    }

    @Test
    void aDryRunJobSaysNothingRan() {
        String text = allText(RunbookMessages.progress(request(), AutomationJob.dryRun("job-1", JobStatus.NEW, null, null)));

        assertThat(text).contains("DRY-RUN", "nothing ran in Azure");
    }

    @Test
    void approvalRequestCarriesTheRequestIdOnBothButtons() {
        ObjectNode message = RunbookMessages.approvalRequest(request(), Duration.ofMinutes(30));

        JsonNode actions = message.get("blocks").get(message.get("blocks").size() - 1);
        assertThat(actions.get("type").asText()).isEqualTo("actions");
        assertThat(actions.get("elements")).hasSize(2);
        assertThat(actions.get("elements").get(0).get("action_id").asText()).isEqualTo("runbook.approve");
        assertThat(actions.get("elements").get(0).get("value").asText()).isEqualTo("trigger-1");
        assertThat(actions.get("elements").get(0).get("style").asText()).isEqualTo("primary");
        assertThat(actions.get("elements").get(1).get("action_id").asText()).isEqualTo("runbook.reject");
        assertThat(actions.get("elements").get(1).get("value").asText()).isEqualTo("trigger-1");
        assertThat(allText(message)).contains("within 30 minutes").doesNotContain("abc123");
    }

    @Test
    void resolvedApprovalsLoseTheirButtonsAndSayWhoDecided() {
        ObjectNode approved = RunbookMessages.approved(request(), "U-BOB");
        ObjectNode rejected = RunbookMessages.rejected(request(), "U-CAROL");
        ObjectNode expired = RunbookMessages.expired(request(), Duration.ofMinutes(30));

        for (ObjectNode message : List.of(approved, rejected, expired)) {
            assertThat(message.get("blocks").findValues("type")).noneMatch(type -> type.asText().equals("actions"));
        }
        assertThat(allText(approved)).contains("Approved by <@U-BOB>");
        assertThat(allText(rejected)).contains("Rejected by <@U-CAROL>", "did not run");
        assertThat(allText(expired)).contains("Nobody approved it within 30 minutes");
    }

    @Test
    void shortOutputIsShownWhole() {
        ObjectNode message = RunbookMessages.output(request(), job(JobStatus.COMPLETED, null), "done & dusted\n");

        assertThat(message.get("blocks")).hasSize(1);
        assertThat(message.get("blocks").get(0).get("text").get("text").asText()).isEqualTo("```done &amp; dusted\n```");
    }

    @Test
    void longOutputIsCutToFitSlackKeepingTheEndAndSaysSo() {
        StringBuilder output = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            output.append("line ").append(i).append(" <ok>\n");
        }

        ObjectNode message = RunbookMessages.output(request(), job(JobStatus.COMPLETED, null), output.toString());

        String code = message.get("blocks").get(0).get("text").get("text").asText();
        assertThat(code.length()).isLessThanOrEqualTo(3000);
        assertThat(code).startsWith("```").endsWith("line 499 &lt;ok&gt;\n```").doesNotContain("line 0 ");
        assertThat(code).doesNotContainPattern("&(?!amp;|lt;|gt;)");
        String note = message.get("blocks").get(1).get("elements").get(0).get("text").asText();
        assertThat(note).contains("Output cut", "of " + output.length() + " characters", "job-1");
    }

    @Test
    void tripleBackticksInOutputCannotCloseTheBlock() {
        String code = RunbookMessages.output(request(), job(JobStatus.COMPLETED, null), "a```b")
                .get("blocks").get(0).get("text").get("text").asText();

        assertThat(code.substring(3, code.length() - 3)).doesNotContain("```");
    }

    @Test
    void emptyOutputSaysSo() {
        assertThat(allText(RunbookMessages.output(request(), job(JobStatus.COMPLETED, null), "")))
                .contains("wrote no output");
    }

    @Test
    void helpListsRunbooksWithParametersAndApproval() {
        ObjectNode help = RunbookMessages.help(List.of(
                new Runbook("Restart-WebApp", List.of("C1"), List.of(), false, null),
                new Runbook("Rotate-Keys", List.of("C1"), List.of(), true, params("Vault", "Region"))));

        assertThat(help.get("response_type").asText()).isEqualTo("ephemeral");
        assertThat(help.get("text").asText()).contains("• `Restart-WebApp`\n",
                "• `Rotate-Keys` Vault=… Region=… _(needs approval)_");
        assertThat(RunbookMessages.help(List.of()).get("text").asText()).contains("No runbook can be run by you");
    }

    private static List<AzureProperties.Parameter> params(String... names) {
        return java.util.Arrays.stream(names).map(AzureProperties.Parameter::valueOf).toList();
    }
}
