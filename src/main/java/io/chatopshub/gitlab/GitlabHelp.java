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
        return GitlabReplies.helpLine(targets.releasable(teamId, channelId)).map(line -> "• " + line).stream().toList();
    }
}
