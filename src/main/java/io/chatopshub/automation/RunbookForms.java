package io.chatopshub.automation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.Gson;
import com.slack.api.model.block.InputBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.PlainTextInputElement;
import com.slack.api.model.block.element.StaticSelectElement;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewClose;
import com.slack.api.model.view.ViewSubmit;
import com.slack.api.model.view.ViewTitle;
import com.slack.api.util.json.GsonFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.chatopshub.automation.AzureProperties.Parameter;
import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.slack.InteractionScreen;
import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.system.Json;

/**
 * The runbook form: a modal with one input per declared parameter, opened by {@code /runbook
 * <name>} without parameters or by a "Run…" button ({@code action_id} {@value #OPEN_PREFIX}{@code <name>}).
 *
 * <p>Its submission must be checked while Slack waits for the HTTP answer, since only that answer
 * can show errors in the form. {@link #validate} is therefore a plain function of the payload, and
 * {@link #screen} is the hook the inbound edge calls before the durable write: it answers errors
 * at once, and seals secret values so they never reach the broker journal in clear. The accepted
 * submission then takes the queue like any interaction and is decided by
 * {@link RunbookCommands#submitForm}, on the same path as {@code /runbook name key=value}.
 */
@Component("runbookForms")
public class RunbookForms implements InteractionScreen {

    /** The view's {@code callback_id}; also the action handler, so submissions reach {@code slack-action-runbook-form}. */
    public static final String CALLBACK_ID = "runbook-form";
    /** A button {@code runbook-form.<runbook name>} opens that runbook's form. */
    public static final String OPEN_PREFIX = CALLBACK_ID + ".";
    /** Block ids of the inputs are this prefix and the parameter name. */
    static final String BLOCK_PREFIX = "param.";
    static final String ACTION = "value";
    static final String SECRET_HINT = "Secret: masked in Slack and the audit trail, never stored in clear.";

    private static final Logger LOG = LoggerFactory.getLogger(RunbookForms.class);
    private static final Gson GSON = GsonFactory.createSnakeCase();

    private final RunbookPolicy policy;
    private final SlackClient slack;
    private final ParameterSecrets secrets;

    RunbookForms(RunbookPolicy policy, SlackClient slack, ParameterSecrets secrets) {
        this.policy = policy;
        this.slack = slack;
        this.secrets = secrets;
    }

    /**
     * Whether {@code runbook} is asked for with a form when named without parameters. A "Run…"
     * button opens a form for any runbook: without declared parameters it only says where the run
     * goes, and Run starts it as {@code /runbook <name>} would.
     */
    static boolean hasForm(Runbook runbook) {
        return runbook != null && runbook.restrictsParameters() && !runbook.parameters().isEmpty();
    }

    private static List<Parameter> declared(Runbook runbook) {
        return runbook.parameters() == null ? List.of() : runbook.parameters();
    }

    /** Opens the form of {@code runbook}, to run in {@code channelId}. */
    void open(Runbook runbook, String channelId, String triggerId) {
        slack.openView(triggerId, GSON.toJson(view(runbook, channelId)));
        LOG.info("form of runbook {} opened for channel {}", runbook.name(), channelId);
    }

    /**
     * The modal: what runs where, then one input per parameter, in declaration order; a select
     * for choices, a text input otherwise, the default filled in, a hint on secret ones.
     */
    View view(Runbook runbook, String channelId) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(SectionBlock.builder().blockId("runbook").text(MarkdownTextObject.builder()
                .text("*" + Mrkdwn.escape(runbook.name()) + "* runs in <#" + Mrkdwn.escape(channelId) + ">"
                        + (runbook.approval() ? "; someone else who may run it must approve it first." : "."))
                .build()).build());
        for (Parameter parameter : declared(runbook)) {
            BlockElement element;
            if (!parameter.choices().isEmpty()) {
                List<OptionObject> options = parameter.choices().stream().map(RunbookForms::option).toList();
                element = StaticSelectElement.builder().actionId(ACTION).options(options)
                        .initialOption(parameter.defaultValue() == null ? null : option(parameter.defaultValue()))
                        .placeholder(plain("Choose")).build();
            } else {
                element = PlainTextInputElement.builder().actionId(ACTION).initialValue(parameter.defaultValue())
                        .build();
            }
            boolean secret = secrets.isSecret(runbook, parameter.name());
            blocks.add(InputBlock.builder().blockId(BLOCK_PREFIX + parameter.name()).label(plain(parameter.name()))
                    .optional(!parameter.required()).element(element)
                    .hint(secret ? plain(SECRET_HINT) : null).build());
        }
        ObjectNode metadata = Json.mapper().createObjectNode().put("runbook", runbook.name()).put("channel", channelId);
        return View.builder().type("modal").callbackId(CALLBACK_ID).privateMetadata(metadata.toString())
                .title(ViewTitle.builder().type("plain_text").text("Run a runbook").build())
                .submit(ViewSubmit.builder().type("plain_text").text("Run").build())
                .close(ViewClose.builder().type("plain_text").text("Cancel").build())
                .blocks(blocks).build();
    }

    /**
     * What is wrong with a submitted form, by input {@code block_id}; empty when it may run.
     * Takes the interaction payload or its {@code view}; reads only the payload and configuration.
     * The values are checked by {@link RunbookPolicy#problems}, as a typed {@code /runbook} is.
     */
    public Map<String, String> validate(JsonNode viewPayload) {
        JsonNode view = viewPayload.has("view") ? viewPayload.get("view") : viewPayload;
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Runbook> runbook = policy.find(metadata(view).runbook());
        boolean hasInputs = view.path("state").path("values").size() > 0;
        if (runbook.isEmpty() || (!hasForm(runbook.get()) && hasInputs)) {
            view.path("state").path("values").fieldNames().forEachRemaining(block ->
                    errors.put(block, "This runbook is no longer offered; close the form."));
            if (errors.isEmpty()) {
                errors.put("runbook", "This runbook is no longer offered; close the form.");
            }
            return errors;
        }
        for (RunbookPolicy.ParameterProblem problem : RunbookPolicy.problems(runbook.get(), values(view))) {
            errors.put(BLOCK_PREFIX + problem.parameter().name(), problem.inForm());
        }
        return errors;
    }

    /**
     * The inbound edge's look at an interaction, before the durable write. For the submission of
     * a runbook form it answers {@code {"response_action":"errors",…}} when {@link #validate} finds
     * errors (nothing is queued then), and otherwise replaces secret values in the payload by
     * sealed ones. Any other interaction passes unchanged.
     */
    @Override
    public Optional<String> screen(ObjectNode payload) {
        if (!"view_submission".equals(Json.text(payload, "type"))
                || !CALLBACK_ID.equals(Json.text(payload, "view", "callback_id"))) {
            return Optional.empty();
        }
        Map<String, String> errors = validate(payload);
        if (!errors.isEmpty()) {
            ObjectNode answer = Json.mapper().createObjectNode().put("response_action", "errors");
            ObjectNode fields = answer.putObject("errors");
            errors.forEach(fields::put);
            LOG.info("runbook form by {} refused: {}", Json.text(payload, "user", "id"), errors.keySet());
            return Optional.of(answer.toString());
        }
        Runbook runbook = policy.find(metadata(payload.get("view")).runbook()).orElseThrow();
        JsonNode values = payload.path("view").path("state").path("values");
        for (Parameter parameter : declared(runbook)) {
            JsonNode input = values.path(BLOCK_PREFIX + parameter.name()).path(ACTION);
            if (input instanceof ObjectNode field && field.hasNonNull("value") && secrets.isSecret(runbook, parameter.name())) {
                String value = field.get("value").asText();
                field.put("value", secrets.seal(runbook, Map.of(parameter.name(), value)).get(parameter.name()));
            }
        }
        return Optional.empty();
    }

    /** The runbook and channel a submitted form is for, from its {@code private_metadata}. */
    static FormTarget metadata(JsonNode view) {
        String raw = Json.text(view, "private_metadata");
        if (raw == null || raw.isBlank()) {
            return new FormTarget(null, null);
        }
        try {
            JsonNode metadata = Json.mapper().readTree(raw);
            return new FormTarget(Json.text(metadata, "runbook"), Json.text(metadata, "channel"));
        } catch (Exception e) {
            return new FormTarget(null, null);
        }
    }

    /** The entered values by parameter name; empty inputs left out. */
    static Map<String, String> values(JsonNode view) {
        Map<String, String> values = new LinkedHashMap<>();
        view.path("state").path("values").fields().forEachRemaining(block -> {
            if (!block.getKey().startsWith(BLOCK_PREFIX)) {
                return;
            }
            JsonNode input = block.getValue().path(ACTION);
            String value = input.has("selected_option") ? Json.text(input, "selected_option", "value")
                    : Json.text(input, "value");
            if (value != null && !value.isBlank()) {
                values.put(block.getKey().substring(BLOCK_PREFIX.length()), value);
            }
        });
        return values;
    }

    record FormTarget(String runbook, String channel) {
    }

    private static OptionObject option(String value) {
        return OptionObject.builder().text(plain(value)).value(value).build();
    }

    private static PlainTextObject plain(String text) {
        return PlainTextObject.builder().text(text).build();
    }
}
