package io.chatopshub.automation;

import java.util.List;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.chatopshub.automation.AzureProperties.Runbook;
import io.chatopshub.slack.HelpContributor;
import io.chatopshub.slack.Mrkdwn;

/** The help reply's line about {@code /runbook}: only what this person may run in this channel. */
@Component
class RunbookHelp implements HelpContributor {

    private final RunbookPolicy policy;

    RunbookHelp(RunbookPolicy policy) {
        this.policy = policy;
    }

    @Override
    public List<String> helpLines(String teamId, String channelId, String userId) {
        List<Runbook> runnable = policy.runnableBy(channelId, userId);
        if (runnable.isEmpty()) {
            return List.of();
        }
        return List.of("• `/runbook <name> key=value …` – run an Azure Automation runbook: " + runnable.stream()
                .map(r -> "`" + Mrkdwn.escape(r.name()) + "`" + (r.approval() ? " (needs approval)" : ""))
                .collect(Collectors.joining(", ")));
    }
}
