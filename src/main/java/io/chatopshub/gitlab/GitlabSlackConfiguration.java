package io.chatopshub.gitlab;

import java.time.Clock;

import io.chatopshub.automation.AuditTrail;
import io.chatopshub.dedup.StateStore;

import io.chatopshub.slack.HelpContributor;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.system.inbound.InboundKind;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where releases meet Slack: the beans {@code routes/gitlab/deploy.camel.yaml} calls to answer
 * release mentions and to bring pipeline results back to their threads, and the help line. Kept
 * apart from {@link GitlabConfiguration} so the GitLab side stands without a Slack client.
 */
@Configuration(proxyBeanMethods = false)
class GitlabSlackConfiguration {

    @Bean
    ReleaseMentions gitlabReleaseMentions(GitlabReleases releases, SlackClient slack,
                                          ObjectProvider<EmbeddedActiveMQ> embeddedBroker, ReleaseFreeze freeze,
                                          DeployTargets targets, ReleasePolicy policy,
                                          ReleaseApprovals gitlabReleaseApprovals, AuditTrail audit) {
        return new ReleaseMentions(releases, slack, new BrokerDeliveryLimit(embeddedBroker.getIfAvailable()), freeze,
                targets, policy, gitlabReleaseApprovals, audit);
    }

    @Bean
    ReleasePolicy gitlabReleasePolicy(SlackClient slack, GitlabProperties properties, Clock clock) {
        return new ReleasePolicy(slack, properties.usergroupCache(), clock);
    }

    @Bean
    ReleaseApprovals gitlabReleaseApprovals(DeployTargets targets, ReleasePolicy policy, SlackClient slack,
                                            StateStore store, AuditTrail audit, GitlabProperties properties,
                                            Clock clock) {
        return new ReleaseApprovals(targets, policy, slack, store, audit, properties.approvalTimeout(), clock);
    }

    @Bean
    ReleaseFreeze releaseFreeze(StateStore store, Clock clock, DeployTargets targets) {
        return new ReleaseFreeze(store, clock, targets.all().stream().map(GitlabProperties.DeployTarget::project).toList());
    }

    @Bean
    GitlabHooks gitlabHooks(PipelineHook gitlabPipelineHook, SlackClient slack) {
        return new GitlabHooks(gitlabPipelineHook, slack);
    }

    @Bean
    InboundKind gitlabPipelineHooks(GitlabHooks gitlabHooks) {
        return gitlabHooks.pipelineHooks();
    }

    @Bean
    InboundKind gitlabDeployResults(GitlabHooks gitlabHooks) {
        return gitlabHooks.deployResults();
    }

    @Bean
    HelpContributor gitlabHelp(DeployTargets targets) {
        return new GitlabHelp(targets);
    }
}
