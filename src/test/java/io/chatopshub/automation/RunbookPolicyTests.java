package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.chatopshub.automation.AzureProperties.Parameter;
import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.automation.RunbookPolicy.Reason;

class RunbookPolicyTests {

    private final RunbookPolicy policy = new RunbookPolicy(new AzureProperties("https://login.microsoftonline.com",
            "https://management.azure.com", "2023-11-01", null, null, null, null, null, null, Duration.ofSeconds(10),
            Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(
                    new Runbook("Restart-WebApp", List.of("C-OPS", "C-WEB"), List.of(), false, null),
                    new Runbook("Rotate-Keys", List.of("C-OPS"), List.of("U-ALICE", "U-BOB"), true, params("Vault")),
                    new Runbook("Clear-Cache", List.of("C-WEB"), List.of(), false, params()),
                    new Runbook("Deploy-App", List.of("C-DEV"), List.of(), false, List.of(
                            new Parameter("Env", true, "staging", List.of("staging", "prod"), false),
                            Parameter.valueOf("Version"),
                            new Parameter("Region", false, null, List.of("eu", "us"), false))))));

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
    void aValueOutsideTheChoicesIsRefusedNamingTheParameterAndItsChoices() {
        RunbookPolicy.Decision decision = policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", Map.of("Env", "qa"));

        assertThat(decision.reason()).isEqualTo(Reason.INVALID_PARAMETER);
        assertThat(decision.message()).isEqualTo("`Deploy-App` did not run: For Env, choose one of staging, prod.");
        assertThat(decision.auditReason()).isEqualTo("INVALID_PARAMETER: For Env, choose one of staging, prod.");
    }

    @Test
    void aMissingOrEmptyRequiredParameterIsRefused() {
        for (Map<String, String> given : List.of(Map.of("Version", "1.2"), Map.of("Env", " ", "Version", "1.2"))) {
            RunbookPolicy.Decision decision = policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", given);

            assertThat(decision.reason()).isEqualTo(Reason.INVALID_PARAMETER);
            assertThat(decision.message()).isEqualTo("`Deploy-App` did not run: Env is required.");
            assertThat(decision.auditReason()).isEqualTo("INVALID_PARAMETER: Env is required.");
        }
    }

    @Test
    void parameterNamesMatchInAnyCaseButValuesMustBeAChoiceAsWritten() {
        assertThat(policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", Map.of("env", "prod")).allowed()).isTrue();
        assertThat(policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", Map.of("ENV", "qa")).message())
                .isEqualTo("`Deploy-App` did not run: For Env, choose one of staging, prod.");
        assertThat(policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", Map.of("Env", "Prod")).reason())
                .isEqualTo(Reason.INVALID_PARAMETER);
    }

    @Test
    void everyProblemIsSaidInDeclarationOrder() {
        Map<String, String> given = new java.util.LinkedHashMap<>();
        given.put("Region", "asia");
        given.put("Version", "1.2");

        assertThat(policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", given).message())
                .isEqualTo("`Deploy-App` did not run: Env is required. For Region, choose one of eu, us.");
    }

    @Test
    void anOptionalParameterMayBeLeftOutButAnEmptyValueIsNotOneOfItsChoices() {
        assertThat(policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", Map.of("Env", "prod")).allowed()).isTrue();
        assertThat(policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", Map.of("Env", "prod", "Region", "")).message())
                .isEqualTo("`Deploy-App` did not run: For Region, choose one of eu, us.");
    }

    @Test
    void oneParameterGivenInTwoSpellingsIsRefused() {
        assertThat(policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", Map.of("Env", "prod", "env", "staging")).message())
                .isEqualTo("`Deploy-App` did not run: Env is given twice.");
    }

    @Test
    void runbooksWithoutRequiredParametersOrChoicesRunAsBefore() {
        assertThat(policy.checkRun("Restart-WebApp", "C-OPS", "U-ANYONE", Map.of("Anything", "x")).allowed()).isTrue();
        assertThat(policy.checkRun("Restart-WebApp", "C-OPS", "U-ANYONE", Map.of()).allowed()).isTrue();
        assertThat(policy.checkRun("Rotate-Keys", "C-OPS", "U-ALICE", Map.of()).allowed()).isTrue();
        assertThat(policy.checkRun("Clear-Cache", "C-WEB", "U-ANYONE", Map.of()).allowed()).isTrue();
        assertThat(policy.checkRun("Clear-Cache", "C-WEB", "U-ANYONE", Map.of("x", "1")).reason())
                .isEqualTo(Reason.UNKNOWN_PARAMETER);
        assertThat(RunbookPolicy.problems(policy.find("Restart-WebApp").orElseThrow(), Map.of())).isEmpty();
    }

    @Test
    void whoMayRunItIsDecidedBeforeTheValuesAndAloneOpensTheForm() {
        assertThat(policy.checkRun("Deploy-App", "C-OPS", "U-ANYONE", Map.of("Env", "qa")).reason())
                .isEqualTo(Reason.CHANNEL_NOT_ALLOWED);
        assertThat(policy.checkRun("Deploy-App", "C-DEV", "U-ANYONE", Map.of("Colour", "red")).reason())
                .isEqualTo(Reason.UNKNOWN_PARAMETER);
        assertThat(policy.check("Deploy-App", "C-DEV", "U-ANYONE", Map.of()).allowed()).isTrue();
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
