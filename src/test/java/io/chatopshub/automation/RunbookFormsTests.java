package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.chatopshub.automation.AzureProperties.Parameter;
import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.system.Json;

/** The form's validation and the edge hook, as pure functions of the submitted payload. */
class RunbookFormsTests {

    private static final String KEY = java.util.Base64.getEncoder().encodeToString(new byte[16]);
    private final AzureProperties properties = new AzureProperties("https://login.microsoftonline.com",
            "https://management.azure.com", "2023-11-01", null, null, null, null, null, null, Duration.ofSeconds(10),
            Duration.ofMinutes(30), Duration.ofMinutes(5), List.of(
                    new Runbook("Deploy-App", List.of("C-OPS"), List.of(), false, List.of(
                            new Parameter("Env", true, "staging", List.of("staging", "prod"), false),
                            new Parameter("Version", true, null, null, false),
                            new Parameter("Pin", false, null, null, true))),
                    new Runbook("Clear-Cache", List.of("C-OPS"), List.of(), false, null)),
            Duration.ofHours(24), List.of(), KEY);
    private final ParameterSecrets secrets = new ParameterSecrets(properties);
    private final RunbookForms forms = new RunbookForms(new RunbookPolicy(properties), null, secrets);

    static String submission(String runbook, String env, String version, String pin) {
        return "{\"type\":\"view_submission\",\"team\":{\"id\":\"T0123456\",\"domain\":\"acme\"},"
                + "\"user\":{\"id\":\"U0ALICE\",\"username\":\"alice\",\"team_id\":\"T0123456\"},"
                + "\"api_app_id\":\"A0123\",\"trigger_id\":\"13345224609.1.form\","
                + "\"view\":{\"id\":\"V0FORM\",\"type\":\"modal\",\"callback_id\":\"runbook-form\","
                + "\"private_metadata\":" + Json.write("{\"runbook\":\"" + runbook + "\",\"channel\":\"C-OPS\"}") + ","
                + "\"state\":{\"values\":{"
                + "\"param.Env\":{\"value\":{\"type\":\"static_select\",\"selected_option\":"
                + (env == null ? "null" : "{\"text\":{\"type\":\"plain_text\",\"text\":\"" + env + "\"},\"value\":\"" + env + "\"}")
                + "}},"
                + "\"param.Version\":{\"value\":{\"type\":\"plain_text_input\",\"value\":" + Json.write(version) + "}},"
                + "\"param.Pin\":{\"value\":{\"type\":\"plain_text_input\",\"value\":" + Json.write(pin) + "}}}}}}";
    }

    @Test
    void aCompleteFormHasNoErrors() {
        assertThat(forms.validate(Json.readObject(submission("Deploy-App", "prod", "1.2.3", "4711")))).isEmpty();
    }

    @Test
    void aMissingRequiredValueIsAnErrorOnItsBlock() {
        assertThat(forms.validate(Json.readObject(submission("Deploy-App", null, " ", null))))
                .containsExactly(Map.entry("param.Env", "Env is required."),
                        Map.entry("param.Version", "Version is required."));
    }

    @Test
    void aValueOutsideTheChoicesIsAnError() {
        assertThat(forms.validate(Json.readObject(submission("Deploy-App", "qa", "1.2.3", null))))
                .containsExactly(Map.entry("param.Env", "Choose one of staging, prod."));
    }

    @Test
    void aFormForARunbookNoLongerConfiguredIsRefusedOnEveryInput() {
        assertThat(forms.validate(Json.readObject(submission("Gone-Away", "prod", "1", null))).values())
                .hasSize(3).containsOnly("This runbook is no longer offered; close the form.");
    }

    @Test
    void aFormWithoutMetadataOrStateIsRefusedRatherThanQueued() {
        var payload = Json.readObject("{\"type\":\"view_submission\",\"view\":{\"callback_id\":\"runbook-form\"}}");

        assertThat(forms.screen(payload)).contains(
                "{\"response_action\":\"errors\",\"errors\":{\"runbook\":\"This runbook is no longer offered; close the form.\"}}");
    }

    @Test
    void theEdgeHookAnswersErrorsAndQueuesNothing() {
        var payload = Json.readObject(submission("Deploy-App", "prod", "", null));

        assertThat(forms.screen(payload))
                .contains("{\"response_action\":\"errors\",\"errors\":{\"param.Version\":\"Version is required.\"}}");
    }

    @Test
    void theEdgeHookSealsSecretValuesBeforeTheQueue() {
        var payload = Json.readObject(submission("Deploy-App", "prod", "1.2.3", "4711"));

        assertThat(forms.screen(payload)).isEmpty();
        String queued = payload.toString();
        assertThat(queued).doesNotContain("4711").contains("1.2.3");
        Map<String, String> values = RunbookForms.values(Json.readObject(queued).get("view"));
        assertThat(values).containsEntry("Env", "prod").containsEntry("Version", "1.2.3");
        assertThat(secrets.reveal(values)).containsEntry("Pin", "4711");
    }

    @Test
    void otherInteractionsPassTheHookUntouched() {
        String press = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ALICE\"},\"actions\":[{\"action_id\":\"runbook.cancel\"}]}";
        var payload = Json.readObject(press);

        assertThat(forms.screen(payload)).isEmpty();
        assertThat(payload.toString()).isEqualTo(press);
    }

    @Test
    void onlyRunbooksThatDeclareParametersHaveAForm() {
        assertThat(RunbookForms.hasForm(properties.runbooks().get(0))).isTrue();
        assertThat(RunbookForms.hasForm(properties.runbooks().get(1))).isFalse();
    }

    @Test
    void aRunbookWithoutDeclaredParametersGetsAFormThatOnlySaysWhereItRunsAndRunsWhenSubmitted() {
        JsonNode view = Json.readObject(com.slack.api.util.json.GsonFactory.createSnakeCase()
                .toJson(forms.view(properties.runbooks().get(1), "C-OPS")));
        assertThat(view.path("blocks")).hasSize(1);
        assertThat(view.path("blocks").get(0).path("text").path("text").asText()).isEqualTo("*Clear-Cache* runs in <#C-OPS>.");

        var submitted = Json.readObject("{\"type\":\"view_submission\",\"user\":{\"id\":\"U0ALICE\"},"
                + "\"view\":{\"callback_id\":\"runbook-form\",\"private_metadata\":"
                + Json.write("{\"runbook\":\"Clear-Cache\",\"channel\":\"C-OPS\"}") + ",\"state\":{\"values\":{}}}}");
        assertThat(forms.validate(submitted)).isEmpty();
        assertThat(forms.screen(submitted)).isEmpty();
        assertThat(RunbookForms.values(submitted.get("view"))).isEmpty();
    }

    @Test
    void aFormWithInputsForARunbookThatNoLongerDeclaresParametersIsRefused() {
        assertThat(forms.validate(Json.readObject(submission("Clear-Cache", "prod", "1", null))).values())
                .hasSize(3).containsOnly("This runbook is no longer offered; close the form.");
    }

    @Test
    void theViewSaysWhereItRunsAndHintsAtSecrets() {
        JsonNode view = Json.readObject(com.slack.api.util.json.GsonFactory.createSnakeCase()
                .toJson(forms.view(properties.runbooks().get(0), "C-OPS")));

        assertThat(view.get("callback_id").asText()).isEqualTo("runbook-form");
        assertThat(view.path("blocks").get(3).path("hint").path("text").asText()).isEqualTo(RunbookForms.SECRET_HINT);
        assertThat(view.path("blocks").get(2).has("hint")).isFalse();
    }
}
