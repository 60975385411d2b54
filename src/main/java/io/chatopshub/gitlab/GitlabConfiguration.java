package io.chatopshub.gitlab;

import java.time.Clock;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.IntegrationStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * Releases from Slack through GitLab: what channels may release, the trigger client, the
 * once-per-request bookkeeping and the hook that brings results back. Routes call these beans by
 * name.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GitlabProperties.class)
class GitlabConfiguration {

    @Bean
    DeployTargets deployTargets(GitlabProperties properties) {
        return new DeployTargets(properties.deployTargets());
    }

    @Bean
    GitlabClient gitlabClient(GitlabProperties properties, ObjectProvider<RestClient.Builder> builder) {
        return new GitlabClient(properties, () -> builder.getIfAvailable(RestClient::builder), Clock.systemUTC());
    }

    @Bean
    PipelineHook gitlabPipelineHook(GitlabProperties properties, ObjectProvider<Clock> clock) {
        return new PipelineHook(properties, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    ReleaseGuard gitlabReleaseGuard(StateStore store, GitlabProperties properties) {
        return new ReleaseGuard(store, properties);
    }

    @Bean
    ReleaseRequests gitlabReleaseRequests(StateStore store) {
        return new ReleaseRequests(store);
    }

    @Bean
    GitlabReleases gitlabReleases(DeployTargets targets, GitlabClient client, ReleaseGuard guard,
                                  ReleaseRequests requests, GitlabProperties properties) {
        return new GitlabReleases(targets, client, guard, requests, properties);
    }

    @Bean
    IntegrationStatus gitlabIntegrationStatus(GitlabProperties properties) {
        return GitlabIntegrationStatus.of(properties);
    }
}
