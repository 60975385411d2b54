package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.automation.RunbookPolicy.Reason;

class RunbookPolicyTests {

    private final RunbookPolicy policy = new RunbookPolicy(new AzureProperties("https://login.microsoftonline.com",
            "https://management.azure.com", "2023-11-01", null, null, null, null, null, null, Duration.ofSeconds(10),
            Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(
                    new Runbook("Restart-WebApp", List.of("C-OPS", "C-WEB"), List.of(), false, null),
                    new Runbook("Rotate-Keys", List.of("C-OPS"), List.of("U-ALICE", "U-BOB"), true, params("Vault")),
                    new Runbook("Clear-Cache", List.of("C-WEB"), List.of(), false, params()))));

    @Test
    void anyoneInAnAllowedChannelMayRunAnUnrestrictedRunbook() {
        RunbookPolicy.Decision decision = policy.check("Restart-WebApp", "C-WEB", "U-ANYONE", Map.of("Anything", "x"));

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.runbook().name()).isEqualTo("Restart-WebApp");
    }

    @Test
    void namesMatchIgnoringCaseAndTheConfiguredSpellingIsUsed() {
        assertThat(policy.check("restart-webapp", "C-OPS", "U-ANYONE", Map.of()).runbook().name())
                .isEqualTo("Restart-WebApp");
    }

    @Test
    void anUnknownRunbookIsRefusedWithWhatCanBeRunHere() {
        RunbookPolicy.Decision decision = policy.check("Drop-Database", "C-OPS", "U-ALICE", Map.of());

        assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_RUNBOOK);
        assertThat(decision.message()).contains("Drop-Database", "Restart-WebApp", "Rotate-Keys")
                .doesNotContain("Clear-Cache");
    }

    @Test
    void aRunbookIsRefusedInAChannelNotListed() {
        RunbookPolicy.Decision decision = policy.check("Rotate-Keys", "C-WEB", "U-ALICE", Map.of());

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo(Reason.CHANNEL_NOT_ALLOWED);
        assertThat(decision.message()).contains("cannot be run in this channel");
    }

    @Test
    void aUserNotListedIsRefused() {
        RunbookPolicy.Decision decision = policy.check("Rotate-Keys", "C-OPS", "U-MALLORY", Map.of());

        assertThat(decision.reason()).isEqualTo(Reason.USER_NOT_ALLOWED);
    }

    @Test
    void parametersOutsideTheConfiguredListAreRefused() {
        RunbookPolicy.Decision decision = policy.check("Rotate-Keys", "C-OPS", "U-ALICE", Map.of("Vaultt", "kv-1"));

        assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_PARAMETER);
        assertThat(decision.message()).contains("`Vaultt`", "`Vault`");
        assertThat(policy.check("Rotate-Keys", "C-OPS", "U-ALICE", Map.of("vault", "kv-1")).allowed()).isTrue();
    }

    @Test
    void anEmptyParameterListMeansNoParameters() {
        RunbookPolicy.Decision decision = policy.check("Clear-Cache", "C-WEB", "U-ANYONE", Map.of("x", "1"));

        assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_PARAMETER);
        assertThat(decision.message()).contains("takes no parameters");
    }

    @Test
    void helpListsOnlyWhatThisUserMayRunInThisChannel() {
        assertThat(policy.runnableBy("C-OPS", "U-ALICE")).extracting(Runbook::name)
                .containsExactly("Restart-WebApp", "Rotate-Keys");
        assertThat(policy.runnableBy("C-OPS", "U-MALLORY")).extracting(Runbook::name)
                .containsExactly("Restart-WebApp");
        assertThat(policy.runnableBy("C-ELSEWHERE", "U-ALICE")).isEmpty();
    }

    @Test
    void theRequesterCannotApproveTheirOwnRun() {
        RunbookPolicy.Decision decision = policy.checkApprover("Rotate-Keys", "C-OPS", "U-ALICE", "U-ALICE");

        assertThat(decision.reason()).isEqualTo(Reason.SELF_APPROVAL);
    }

    @Test
    void anApproverMustBeAllowedToRunItThemselves() {
        assertThat(policy.checkApprover("Rotate-Keys", "C-OPS", "U-ALICE", "U-MALLORY").reason())
                .isEqualTo(Reason.USER_NOT_ALLOWED);
        assertThat(policy.checkApprover("Rotate-Keys", "C-OPS", "U-ALICE", "U-BOB").allowed()).isTrue();
    }

    @Test
    void nobodyWithoutAUserIdMayRunApproveOrBeListed() {
        assertThat(policy.check("Restart-WebApp", "C-OPS", null, Map.of()).reason()).isEqualTo(Reason.NO_USER);
        assertThat(policy.check("Restart-WebApp", "C-OPS", " ", Map.of()).reason()).isEqualTo(Reason.NO_USER);
        RunbookPolicy.Decision approval = policy.checkApprover("Restart-WebApp", "C-OPS", "U-ALICE", null);
        assertThat(approval.allowed()).isFalse();
        assertThat(approval.reason()).isEqualTo(Reason.NO_USER);
        assertThat(approval.message()).isEqualTo("Slack did not say who pressed Approve, so it approves nothing.");
        assertThat(policy.runnableBy("C-OPS", null)).isEmpty();
    }

    private static List<AzureProperties.Parameter> params(String... names) {
        return java.util.Arrays.stream(names).map(AzureProperties.Parameter::valueOf).toList();
    }
}
