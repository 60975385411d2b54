package io.chatopshub.automation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.slack.Mrkdwn;

/**
 * Who may run which runbook where, and who may approve it, decided from configuration alone so
 * the answer is the same on every hub instance and can be written to the audit trail.
 *
 * <p>Runbook names are matched ignoring case, as Azure does; the configured spelling is what
 * reaches Azure.
 */
public class RunbookPolicy {

    public enum Reason {
        UNKNOWN_RUNBOOK, CHANNEL_NOT_ALLOWED, USER_NOT_ALLOWED, UNKNOWN_PARAMETER, SELF_APPROVAL, NO_USER
    }

    /**
     * The outcome of a check.
     *
     * @param runbook the configured runbook, when the name was known
     * @param reason why it was refused; null when allowed
     * @param message a sentence for the person, in Slack mrkdwn; null when allowed
     */
    public record Decision(Runbook runbook, Reason reason, String message) {

        public boolean allowed() {
            return reason == null;
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
