package io.chatopshub.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.ReleasePolicy.Author;
import io.chatopshub.gitlab.ReleasePolicy.Reason;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackProperties;
import io.chatopshub.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The release permission rules, with Slack's usergroups.users.list answered by WireMock. */
class ReleasePolicyTests {

    static final DeployTarget LISTED = new DeployTarget("C0DEPLOY", null, "web", "1", "main", "glptt-x",
            List.of("U0ALICE"), List.of("S0DEPLOY"), false);
    static final DeployTarget OPEN = new DeployTarget("C0DEPLOY", null, "api", "2", "main", "glptt-y");
    static final DeployTarget OPEN_IN_TEAM = new DeployTarget("C0DEPLOY", "T0HOME", "docs", "3", "main", "glptt-z");

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private ReleasePolicy policy;

    @BeforeEach
    void start() {
        slack.start();
        var client = new SlackClient(new SlackProperties("secret", "xoxb-1-unit", URI.create(slack.baseUrl()), null,
                null), Clock.systemUTC(), Duration.ofMillis(1));
        policy = new ReleasePolicy(client, Duration.ofMinutes(5), clock);
    }

    @AfterEach
    void stop() {
        slack.stop();
    }

    void groupHas(String... users) {
        slack.resetAll();
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.users.list")).withFormParam("usergroup", equalTo("S0DEPLOY"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"users\":[" + String.join(",", java.util.Arrays.stream(users)
                                .map(u -> "\"" + u + "\"").toList()) + "]}")));
    }

    @Test
    void listedUserAndUsergroupMemberMayReleaseOthersMayNot() {
        groupHas("U0CAROL");

        assertThat(policy.check(LISTED, new Author("U0ALICE", "T0HOME", "T0HOME")).allowed()).isTrue();
        assertThat(policy.check(LISTED, new Author("U0CAROL", "T0HOME", "T0HOME")).allowed()).isTrue();
        var refused = policy.check(LISTED, new Author("U0MALLORY", "T0HOME", "T0HOME"));
        assertThat(refused.reason()).isEqualTo(Reason.NOT_LISTED);
        assertThat(refused.message()).isEqualTo("<@U0MALLORY> may not release web: only the people and user groups"
                + " listed for it may. Nothing was started.");
    }

    @Test
    void usergroupMembersAreRememberedForTheCacheTimeThenAskedAgain() {
        groupHas("U0CAROL");
        policy.check(LISTED, new Author("U0CAROL", "T0HOME", "T0HOME"));
        policy.check(LISTED, new Author("U0DAVE", "T0HOME", "T0HOME"));
        slack.verify(1, postRequestedFor(urlPathEqualTo("/api/usergroups.users.list")));

        groupHas("U0DAVE");
        assertThat(policy.check(LISTED, new Author("U0DAVE", "T0HOME", "T0HOME")).allowed()).isFalse();
        clock.advance(Duration.ofMinutes(5));

        assertThat(policy.check(LISTED, new Author("U0DAVE", "T0HOME", "T0HOME")).allowed()).isTrue();
        assertThat(policy.check(LISTED, new Author("U0CAROL", "T0HOME", "T0HOME")).allowed()).isFalse();
    }

    @Test
    void usergroupSlackRefusesToListCountsAsEmptyAndIsAskedAgainNextTime() {
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.users.list")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"missing_scope\"}")));
        assertThat(policy.check(LISTED, new Author("U0CAROL", "T0HOME", "T0HOME")).allowed()).isFalse();

        groupHas("U0CAROL");
        assertThat(policy.check(LISTED, new Author("U0CAROL", "T0HOME", "T0HOME")).allowed()).isTrue();
    }

    @Test
    void openTargetTakesAnyoneOfTheAuthorsOwnWorkspaceOnly() {
        assertThat(policy.check(OPEN, new Author("U0ANY", "T0HOME", "T0HOME")).allowed()).isTrue();
        assertThat(policy.check(OPEN, new Author("U0PARTNER", "T0PARTNER", "T0HOME")).reason())
                .isEqualTo(Reason.OTHER_WORKSPACE);
        assertThat(policy.check(OPEN, new Author("U0ANY", null, "T0HOME")).reason()).isEqualTo(Reason.UNKNOWN_WORKSPACE);
        assertThat(policy.check(OPEN_IN_TEAM, new Author("U0ANY", "T0OTHER", "T0OTHER")).reason())
                .isEqualTo(Reason.OTHER_WORKSPACE);
        assertThat(policy.check(OPEN, new Author(null, "T0HOME", "T0HOME")).reason()).isEqualTo(Reason.NO_USER);
        slack.verify(0, postRequestedFor(urlPathEqualTo("/api/usergroups.users.list")));
    }

    @Test
    void personFromAnotherWorkspaceListedByIdMayRelease() {
        groupHas();
        assertThat(policy.check(LISTED, new Author("U0ALICE", "T0PARTNER", "T0HOME")).allowed()).isTrue();
    }
}
