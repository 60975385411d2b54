package io.chatopshub.automation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.chatopshub.automation.AzureProperties.Parameter;
import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.slack.Mrkdwn;

/**
 * Who may run which runbook where, and who may approve it, decided from configuration alone so
 * the answer is the same on every hub instance and can be written to the audit trail.
 *
 * <p>Runbook names are matched ignoring case, as Azure does; the configured spelling is what
 * reaches Azure. Parameter names are matched ignoring case too; values are compared with a
 * parameter's {@code choices} exactly, as the form's drop-down offers them.
 *
 * <p>{@link #problems} is the one check of parameter values ({@code required}, {@code choices}):
 * the form shows its findings under the fields ({@link RunbookForms#validate}), and
 * {@link #checkRun} refuses a typed {@code /runbook name key=value} (or a queued form) with them.
 */
public class RunbookPolicy {

    public enum Reason {
        UNKNOWN_RUNBOOK, CHANNEL_NOT_ALLOWED, USER_NOT_ALLOWED, UNKNOWN_PARAMETER, INVALID_PARAMETER, SELF_APPROVAL,
        NO_USER
    }

    /**
     * The outcome of a check.
     *
     * @param runbook the configured runbook, when the name was known
     * @param reason why it was refused; null when allowed
     * @param message a sentence for the person, in Slack mrkdwn; null when allowed
     * @param detail what exactly was wrong, in plain text, for the audit trail; null when the
     *        reason says it all
     */
    public record Decision(Runbook runbook, Reason reason, String message, String detail) {

        public Decision(Runbook runbook, Reason reason, String message) {
            this(runbook, reason, message, null);
        }

        public boolean allowed() {
            return reason == null;
        }

        /** The reason as the audit trail records it: {@code INVALID_PARAMETER: Env is required.} */
        public String auditReason() {
            return reason == null ? null : detail == null ? reason.name() : reason.name() + ": " + detail;
        }
    }

    /**
     * What is wrong with the value given for one declared parameter.
     *
     * @param parameter the parameter as declared
     * @param kind missing while required, outside its choices, or given twice (in two spellings)
     */
    public record ParameterProblem(Parameter parameter, Kind kind) {

        public enum Kind { MISSING, NOT_A_CHOICE, GIVEN_TWICE }

        /** As the form shows it under the parameter's own field: {@code Choose one of staging, prod.} */
        public String inForm() {
            return kind == Kind.NOT_A_CHOICE ? "Choose one of " + String.join(", ", parameter.choices()) + "."
                    : sentence();
        }

        /** As a sentence that names the parameter (plain text): {@code For Env, choose one of staging, prod.} */
        public String sentence() {
            return switch (kind) {
                case MISSING -> parameter.name() + " is required.";
                case NOT_A_CHOICE -> "For " + parameter.name() + ", choose one of "
                        + String.join(", ", parameter.choices()) + ".";
                case GIVEN_TWICE -> parameter.name() + " is given twice.";
            };
        }
    }

    private final List<Runbook> runbooks;

    public RunbookPolicy(AzureProperties properties) {
        this.runbooks = properties.runbooks();
    }

    public Optional<Runbook> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return runbooks.stream().filter(r -> r.name().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    /** May {@code userId} run {@code name} with these parameters in {@code channelId}? */
    public Decision check(String name, String channelId, String userId, Map<String, String> parameters) {
        Optional<Runbook> found = find(name);
        if (userId == null || userId.isBlank()) {
            return new Decision(found.orElse(null), Reason.NO_USER, "Slack did not say who you are, so nothing was run.");
        }
        if (found.isEmpty()) {
            return new Decision(null, Reason.UNKNOWN_RUNBOOK, "There is no runbook " + Mrkdwn.code(name) + " here. "
                    + runnableHint(channelId, userId));
        }
        Runbook runbook = found.get();
        if (!runbook.channels().contains(channelId)) {
            return new Decision(runbook, Reason.CHANNEL_NOT_ALLOWED, "`" + runbook.name()
                    + "` cannot be run in this channel. " + runnableHint(channelId, userId));
        }
        if (!mayRun(runbook, userId)) {
            return new Decision(runbook, Reason.USER_NOT_ALLOWED, "You are not among the people allowed to run `"
                    + runbook.name() + "`.");
        }
        if (runbook.restrictsParameters() && parameters != null) {
            List<String> unknown = parameters.keySet().stream()
                    .filter(key -> runbook.parameterNames().stream().noneMatch(key::equalsIgnoreCase))
                    .toList();
            if (!unknown.isEmpty()) {
                String accepted = runbook.parameters().isEmpty() ? "it takes no parameters"
                        : "it takes " + runbook.parameterNames().stream().map(p -> "`" + p + "`")
                                .collect(Collectors.joining(", "));
                return new Decision(runbook, Reason.UNKNOWN_PARAMETER, "`" + runbook.name()
                        + "` has no parameter " + unknown.stream().map(Mrkdwn::code)
                                .collect(Collectors.joining(", ")) + "; " + accepted + ".");
            }
        }
        return new Decision(runbook, null, null);
    }

    /**
     * {@link #check}, then {@link #problems}: may {@code userId} run {@code name} here, and are the
     * values ones its declared parameters accept? How a typed command and a submitted form are
     * decided, so neither starts (or asks for approval of) a run the form would refuse.
     */
    public Decision checkRun(String name, String channelId, String userId, Map<String, String> parameters) {
        Decision decision = check(name, channelId, userId, parameters);
        if (!decision.allowed()) {
            return decision;
        }
        List<ParameterProblem> problems = problems(decision.runbook(), parameters);
        if (problems.isEmpty()) {
            return decision;
        }
        String sentences = problems.stream().map(ParameterProblem::sentence).collect(Collectors.joining(" "));
        return new Decision(decision.runbook(), Reason.INVALID_PARAMETER, "`" + decision.runbook().name()
                + "` did not run: " + Mrkdwn.escape(sentences), sentences);
    }

    /**
     * What is wrong with {@code given} for {@code runbook}'s declared parameters, in declaration
     * order; empty when nothing is (always for a runbook that declares no parameters). A name
     * matches its declared parameter in any case. A required parameter that is absent or blank
     * is missing; a value given for a parameter with {@code choices} must be one of them, exactly.
     * Undeclared names are not looked at here: {@link #check} refuses them.
     */
    public static List<ParameterProblem> problems(Runbook runbook, Map<String, String> given) {
        if (runbook == null || !runbook.restrictsParameters()) {
            return List.of();
        }
        Map<String, String> values = given == null ? Map.of() : given;
        List<ParameterProblem> problems = new ArrayList<>();
        for (Parameter parameter : runbook.parameters()) {
            List<String> found = values.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(parameter.name()))
                    .map(Map.Entry::getValue).toList();
            String value = found.isEmpty() ? null : found.get(0);
            if (found.size() > 1) {
                problems.add(new ParameterProblem(parameter, ParameterProblem.Kind.GIVEN_TWICE));
            } else if (value == null || value.isBlank()) {
                if (parameter.required()) {
                    problems.add(new ParameterProblem(parameter, ParameterProblem.Kind.MISSING));
                } else if (value != null && !parameter.choices().isEmpty()) {
                    problems.add(new ParameterProblem(parameter, ParameterProblem.Kind.NOT_A_CHOICE));
                }
            } else if (!parameter.choices().isEmpty() && !parameter.choices().contains(value)) {
                problems.add(new ParameterProblem(parameter, ParameterProblem.Kind.NOT_A_CHOICE));
            }
        }
        return problems;
    }

    /**
     * May {@code approverId} approve what {@code requesterId} asked? Only someone else who may
     * run the runbook in that channel themselves.
     */
    public Decision checkApprover(String name, String channelId, String requesterId, String approverId) {
        if (approverId == null || approverId.isBlank()) {
            return new Decision(find(name).orElse(null), Reason.NO_USER,
                    "Slack did not say who pressed Approve, so it approves nothing.");
        }
        if (approverId.equals(requesterId)) {
            return new Decision(find(name).orElse(null), Reason.SELF_APPROVAL,
                    "Someone other than the requester must approve this run.");
        }
        Decision asRunner = check(name, channelId, approverId, null);
        if (!asRunner.allowed() && asRunner.reason() == Reason.USER_NOT_ALLOWED) {
            return new Decision(asRunner.runbook(), Reason.USER_NOT_ALLOWED,
                    "Only people allowed to run `" + asRunner.runbook().name() + "` may approve it.");
        }
        return asRunner;
    }

    /** The runbooks {@code userId} may run in {@code channelId}, in configuration order. */
    public List<Runbook> runnableBy(String channelId, String userId) {
        return runbooks.stream()
                .filter(r -> r.channels().contains(channelId) && mayRun(r, userId))
                .toList();
    }

    /** The runbooks {@code userId} may run in at least one channel, in configuration order (the Home tab). */
    public List<Runbook> runnableBy(String userId) {
        return runbooks.stream().filter(r -> mayRun(r, userId)).toList();
    }

    private static boolean mayRun(Runbook runbook, String userId) {
        if (userId == null || userId.isBlank()) {
            return false;
        }
        return runbook.users().isEmpty() || runbook.users().contains(userId);
    }

    private String runnableHint(String channelId, String userId) {
        List<Runbook> runnable = runnableBy(channelId, userId);
        if (runnable.isEmpty()) {
            return "No runbook can be run by you in this channel.";
        }
        return "You can run " + runnable.stream().map(r -> "`" + r.name() + "`").collect(Collectors.joining(", "))
                + " here.";
    }
}
