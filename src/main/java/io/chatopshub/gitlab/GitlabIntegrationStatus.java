package io.chatopshub.gitlab;

import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.system.IntegrationStatus;

/**
 * The GitLab line of the startup report. Releases are the outbound side: real with trigger
 * tokens, dry-run without, off without deploy targets. The webhook side is reported in the detail,
 * because without {@code webhook-token} results never come back to Slack.
 */
record GitlabIntegrationStatus(String name, Mode mode, String detail) implements IntegrationStatus {

    static GitlabIntegrationStatus of(GitlabProperties p) {
        var targets = p.deployTargets();
        long withToken = targets.stream().filter(DeployTarget::hasTriggerToken).count();
        String hooks = p.webhookToken() == null
                ? "webhook-token not set: /hooks/deploy-result" + (p.webhookSigningToken() == null
                        ? " and /hooks/gitlab refuse every delivery (401)"
                        : " refuses every delivery (401), /hooks/gitlab takes signed deliveries only")
                : "webhook-token set" + (p.webhookSigningToken() == null ? "" : ", signed webhooks verified");
        String open = targets.stream().filter(DeployTarget::openToChannel)
                .map(t -> t.channel() + "/" + t.project()).reduce((a, b) -> a + ", " + b).orElse(null);
        if (open != null) {
            hooks = hooks + "; WARNING: anyone in the channel may release " + open
                    + " (no users or usergroups listed)";
        }
        if (targets.isEmpty()) {
            return new GitlabIntegrationStatus("gitlab", Mode.DISABLED, "no deploy-targets; " + hooks);
        }
        String list = targets.size() + " deploy target" + (targets.size() == 1 ? "" : "s") + " at " + p.url();
        if (withToken == 0) {
            return new GitlabIntegrationStatus("gitlab", Mode.DRY_RUN, list + ", none with a trigger-token; " + hooks);
        }
        if (withToken < targets.size()) {
            String dry = targets.stream().filter(t -> !t.hasTriggerToken())
                    .map(t -> t.channel() + "/" + t.project()).reduce((a, b) -> a + ", " + b).orElse("");
            return new GitlabIntegrationStatus("gitlab", Mode.CONFIGURED, list + ", dry-run without trigger-token: "
                    + dry + "; " + hooks);
        }
        return new GitlabIntegrationStatus("gitlab", Mode.CONFIGURED, list + ", all with a trigger-token; "
                + hooks);
    }
}
