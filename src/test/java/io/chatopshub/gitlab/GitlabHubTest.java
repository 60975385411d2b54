package io.chatopshub.gitlab;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.DeadLetterQueue;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole hub with WireMock standing in for GitLab as well as Slack. Every test releases in a
 * channel of its own, so the release guard of one test never answers another's mention. All
 * subclasses share one application context.
 *
 * <p>The broker gives a release request two deliveries 100 ms apart instead of six spread over
 * minutes, so the end of its retries can be watched in a test.
 */
@Import(GitlabHubTest.QuickReleaseRedelivery.class)
abstract class GitlabHubTest extends HubIntegrationTest {

    static final String WEBHOOK_TOKEN = "hook-secret-42";
    /** GitLab's form of a signing token: whsec_ and the base64 of 32 bytes. */
    static final String SIGNING_TOKEN = "whsec_" + java.util.Base64.getEncoder()
            .encodeToString("signing-key-of-thirty-two-bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    static final int RELEASE_DELIVERIES = 2;

    protected static final WireMockServer gitlabApi = new WireMockServer(options().dynamicPort());

    static {
        gitlabApi.start();
    }

    /** channel, project, project-id, trigger-token; all released from ref main. */
    static final String[][] TARGETS = {
            {"C0HAPPY", "web", "ops/web", "glptt-happy"},
            {"C0RETRY", "web", "1002", "glptt-retry"},
            {"C0GUARD", "web", "1003", "glptt-guard"},
            {"C0REFUSE", "web", "1004", "glptt-revoked"},
            {"C0BADREF", "web", "1005", "glptt-badref"},
            {"C0FLAKY", "web", "1006", "glptt-flaky"},
            {"C0GIVEUP", "web", "1007", "glptt-giveup"},
            {"C0MULTI", "web", "1008", "glptt-multi-web"},
            {"C0MULTI", "api", "1009", "glptt-multi-api"},
            {"C0JAPAN", "web", "1010", "glptt-japan"},
    };

    /**
     * Targets with permissions: channel, project-id, trigger-token, users, usergroups, approval.
     * U0ALICE and U0BOB are listed where approval is needed; S0DEPLOY is a user group.
     */
    static final String[][] GUARDED_TARGETS = {
            {"C0PERM", "2001", "glptt-perm", "U0ALICE", "S0DEPLOY", "false"},
            {"C0APPROVE", "2002", "glptt-approve", "U0ALICE,U0BOB,U0CAROL", "", "true"},
            {"C0EXPIRE", "2003", "glptt-expire", "U0ALICE,U0BOB", "", "true"},
            {"C0CONNECT", "2004", "glptt-connect", "", "", "false"},
            {"C0FREEZE", "2005", "glptt-freeze", "U0ALICE", "", "false"},
            {"C0NOUSER", "2006", "glptt-nouser", "U0ALICE,U0BOB", "", "true"},
    };
    static final String APPROVAL_TIMEOUT = "8s";

    @DynamicPropertySource
    static void gitlabProperties(DynamicPropertyRegistry registry) {
        registry.add("chatops.gitlab.approval-timeout", () -> APPROVAL_TIMEOUT);
        for (int i = 0; i < GUARDED_TARGETS.length; i++) {
            String[] t = GUARDED_TARGETS[i];
            String key = "chatops.gitlab.deploy-targets[" + (TARGETS.length + i) + "].";
            registry.add(key + "channel", () -> t[0]);
            registry.add(key + "project", () -> "web");
            registry.add(key + "project-id", () -> t[1]);
            registry.add(key + "ref", () -> "main");
            registry.add(key + "trigger-token", () -> t[2]);
            registry.add(key + "users", () -> t[3]);
            registry.add(key + "usergroups", () -> t[4]);
            registry.add(key + "approval", () -> t[5]);
        }
        registry.add("chatops.gitlab.url", gitlabApi::baseUrl);
        registry.add("chatops.gitlab.webhook-token", () -> WEBHOOK_TOKEN);
        registry.add("chatops.gitlab.webhook-signing-token", () -> SIGNING_TOKEN);
        for (int i = 0; i < TARGETS.length; i++) {
            String[] t = TARGETS[i];
            String key = "chatops.gitlab.deploy-targets[" + i + "].";
            registry.add(key + "channel", () -> t[0]);
            registry.add(key + "project", () -> t[1]);
            registry.add(key + "project-id", () -> t[2]);
            registry.add(key + "ref", () -> "main");
            registry.add(key + "trigger-token", () -> t[3]);
        }
    }

    /**
     * Waits until the hub has finished with every Slack event, release request and pipeline result
     * it was given (retries and redeliveries included); release approvals waiting for their expiry
     * may stay scheduled, so that one test's approval does not hold up the next test.
     */
    void awaitReleaseWorkSettled() {
        awaitQueuesSettled("chatops.slack.events", "chatops.slack.interactions", ReleaseMentions.QUEUE,
                "chatops.gitlab.results");
    }

    @BeforeEach
    void resetGitlab() {
        gitlabApi.resetAll();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class QuickReleaseRedelivery {

        @Bean
        ArtemisConfigurationCustomizer quickReleaseRedelivery() {
            return configuration -> configuration.addAddressSetting(ReleaseMentions.QUEUE, new AddressSettings()
                    .setDeadLetterAddress(SimpleString.of(DeadLetterQueue.QUEUE))
                    .setMaxDeliveryAttempts(RELEASE_DELIVERIES)
                    .setRedeliveryDelay(100)
                    .setRedeliveryMultiplier(1));
        }
    }
}
