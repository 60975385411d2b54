package io.chatopshub.gitlab;

import java.util.List;

import io.chatopshub.slack.HelpContributor;

/** The release line of the help reply, only in channels that can release something. */
final class GitlabHelp implements HelpContributor {

    private final DeployTargets targets;

    GitlabHelp(DeployTargets targets) {
        this.targets = targets;
    }

    @Override
    public List<String> helpLines(String teamId, String channelId, String userId) {
        var releasable = targets.releasable(teamId, channelId);
        var lines = new java.util.ArrayList<String>();
        GitlabReplies.helpLine(releasable).ifPresent(line -> lines.add("• " + line));
        if (!releasable.isEmpty()) {
            lines.add("• `@hub freeze <project|all> [reason]` / `@hub unfreeze <project|all>`: stop and resume"
                    + " releases (for people allowed to release)");
        }
        return List.copyOf(lines);
    }
}
