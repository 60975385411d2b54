package io.chatopshub.gitlab;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.chatopshub.system.IntegrationStatus.Mode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitlabPropertiesTests {

    private static Map<String, String> twoTargets() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("chatops.gitlab.webhook-token", "hook-secret");
        m.put("chatops.gitlab.deploy-targets[0].channel", "C0123456");
        m.put("chatops.gitlab.deploy-targets[0].project", "web");
        m.put("chatops.gitlab.deploy-targets[0].project-id", "1234");
        m.put("chatops.gitlab.deploy-targets[0].ref", "main");
        m.put("chatops.gitlab.deploy-targets[0].trigger-token", "glptt-secretvalue");
        m.put("chatops.gitlab.deploy-targets[1].channel", "C0123456");
        m.put("chatops.gitlab.deploy-targets[1].team", "T0123456");
        m.put("chatops.gitlab.deploy-targets[1].project", "api");
        m.put("chatops.gitlab.deploy-targets[1].project-id", "ops%2Fapi");
        m.put("chatops.gitlab.deploy-targets[1].ref", "release");
        return m;
    }

    private static GitlabProperties bind(Map<String, String> source) {
        return new Binder(new MapConfigurationPropertySource(source))
                .bindOrCreate("chatops.gitlab", GitlabProperties.class);
    }

    private static String failureOf(Map<String, String> source) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> bind(source));
        assertThat(thrown).isInstanceOf(BindException.class);
        return NestedExceptionUtils.getMostSpecificCause(thrown).getMessage();
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        GitlabProperties p = bind(Map.of());
        assertThat(p.url()).isEqualTo("https://gitlab.com");
        assertThat(p.releaseGuard()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.deployTargets()).isEmpty();
        assertThat(p.webhookToken()).isNull();
    }

    @Test
    void bindsDeployTargetsFromKebabCaseKeys() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.url", "http://gitlab.internal:8080/");
        m.put("chatops.gitlab.release-guard", "90s");
        GitlabProperties p = bind(m);
        assertThat(p.url()).isEqualTo("http://gitlab.internal:8080");
        assertThat(p.releaseGuard()).isEqualTo(Duration.ofSeconds(90));
        assertThat(p.deployTargets()).hasSize(2);
        assertThat(p.deployTargets().get(1).team()).isEqualTo("T0123456");
        assertThat(p.deployTargets().get(1).projectRef().apiSegment()).isEqualTo("ops%2Fapi");
        assertThat(p.deployTargets().get(1).hasTriggerToken()).isFalse();
    }

    @Test
    void blankRefFailsNamingTheElementAndField() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.deploy-targets[1].ref", " ");
        assertThat(failureOf(m)).isEqualTo("chatops.gitlab.deploy-targets[1].ref must not be blank");
    }

    @Test
    void missingRequiredFieldsFailNamingThem() {
        for (String field : new String[] {"channel", "project", "project-id", "ref"}) {
            Map<String, String> m = twoTargets();
            m.remove("chatops.gitlab.deploy-targets[0]." + field);
            assertThat(failureOf(m)).isEqualTo("chatops.gitlab.deploy-targets[0]." + field + " must not be blank");
        }
    }

    @Test
    void channelNameInsteadOfIdIsRefused() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.deploy-targets[0].channel", "#releases");
        assertThat(failureOf(m)).isEqualTo(
                "chatops.gitlab.deploy-targets[0].channel must be a Slack channel id such as C0123456, not '#releases'");
    }

    @Test
    void projectMustBeOneWord() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.deploy-targets[1].project", "web app");
        assertThat(failureOf(m)).startsWith("chatops.gitlab.deploy-targets[1].project must be one word");
    }

    @Test
    void duplicateChannelAndProjectIsRefusedIgnoringCase() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.deploy-targets[1].project", "WEB");
        assertThat(failureOf(m)).isEqualTo("chatops.gitlab.deploy-targets[1] repeats channel C0123456 and project WEB"
                + " of deploy-targets[0]; each channel names a project once");
    }

    @Test
    void sameProjectInAnotherChannelIsFine() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.deploy-targets[1].project", "web");
        m.put("chatops.gitlab.deploy-targets[1].channel", "C0999999");
        assertThat(bind(m).deployTargets()).hasSize(2);
    }

    @Test
    void urlMustBeHttp() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.url", "gitlab.com");
        assertThat(failureOf(m)).isEqualTo(
                "chatops.gitlab.url must be an absolute http(s) URL such as https://gitlab.com, not 'gitlab.com'");
    }

    @Test
    void negativeReleaseGuardIsRefused() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.release-guard", "-1s");
        assertThat(failureOf(m)).isEqualTo("chatops.gitlab.release-guard must be zero or positive, e.g. 2m");
    }

    @Test
    void tokensNeverShowInToString() {
        GitlabProperties p = bind(twoTargets());
        assertThat(p.toString()).doesNotContain("glptt-secretvalue").doesNotContain("hook-secret")
                .contains("triggerToken=set").contains("triggerToken=not set").contains("webhookToken=set");
    }

    @Test
    void statusIsDisabledWithoutTargetsAndSaysWhatTheWebhookNeeds() {
        var status = GitlabIntegrationStatus.of(bind(Map.of()));
        assertThat(status.mode()).isEqualTo(Mode.DISABLED);
        assertThat(status.detail()).contains("no deploy-targets").contains("webhook-token not set");
    }

    @Test
    void statusIsDryRunWhenNoTargetHasAToken() {
        Map<String, String> m = twoTargets();
        m.remove("chatops.gitlab.deploy-targets[0].trigger-token");
        var status = GitlabIntegrationStatus.of(bind(m));
        assertThat(status.mode()).isEqualTo(Mode.DRY_RUN);
        assertThat(status.detail()).contains("none with a trigger-token").contains("webhook-token set");
    }

    @Test
    void statusIsConfiguredAndNamesDryRunTargetsWhenSomeHaveTokens() {
        var status = GitlabIntegrationStatus.of(bind(twoTargets()));
        assertThat(status.mode()).isEqualTo(Mode.CONFIGURED);
        assertThat(status.name()).isEqualTo("gitlab");
        assertThat(status.detail()).contains("dry-run without trigger-token: C0123456/api")
                .doesNotContain("glptt-secretvalue");
    }

    @Test
    void constructorRejectsDirectlyToo() {
        assertThatThrownBy(() -> new GitlabProperties("https://gitlab.com", null, Duration.ofMinutes(2),
                Duration.ofSeconds(5), Duration.ofSeconds(10),
                java.util.List.of(new GitlabProperties.DeployTarget("C1234", null, "web", "1", null, null))))
                .hasMessage("chatops.gitlab.deploy-targets[0].ref must not be blank");
    }

    @Test
    void bindsPermissionsAndTheStartupLineWarnsAboutTargetsOpenToTheWholeChannel() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.deploy-targets[0].users[0]", "U0ALICE");
        m.put("chatops.gitlab.deploy-targets[0].usergroups[0]", "S0DEPLOY");
        m.put("chatops.gitlab.deploy-targets[0].approval", "true");
        GitlabProperties p = bind(m);

        var web = p.deployTargets().get(0);
        assertThat(web.users()).containsExactly("U0ALICE");
        assertThat(web.usergroups()).containsExactly("S0DEPLOY");
        assertThat(web.approval()).isTrue();
        assertThat(web.openToChannel()).isFalse();
        assertThat(p.deployTargets().get(1).openToChannel()).isTrue();
        assertThat(p.deployTargets().get(1).approval()).isFalse();
        assertThat(p.approvalTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(GitlabIntegrationStatus.of(p).detail())
                .contains("WARNING: anyone in the channel may release C0123456/api (no users or usergroups listed)")
                .doesNotContain("C0123456/web (");
    }

    @Test
    void userOrUsergroupThatIsNotAnIdFailsStartupNamingIt() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.deploy-targets[1].users[0]", "@alice");
        assertThat(failureOf(m)).isEqualTo(
                "chatops.gitlab.deploy-targets[1].users[0] must be a Slack user id such as U0123456, not '@alice'");
        Map<String, String> g = twoTargets();
        g.put("chatops.gitlab.deploy-targets[0].usergroups[0]", "deployers");
        assertThat(failureOf(g)).isEqualTo("chatops.gitlab.deploy-targets[0].usergroups[0] must be a Slack user"
                + " group id such as S0123456, not 'deployers'");
    }

    @Test
    void signingTokenIsCheckedAtStartupAndNeverShown() {
        Map<String, String> m = twoTargets();
        m.put("chatops.gitlab.webhook-signing-token", "whsec_not base64!");
        assertThat(failureOf(m)).isEqualTo(
                "chatops.gitlab.webhook-signing-token must be the token GitLab shows, whsec_ followed by base64");
        Map<String, String> ok = twoTargets();
        ok.put("chatops.gitlab.webhook-signing-token", "whsec_c2lnbmluZy1rZXktb2YtdGhpcnR5LXR3by1ieXRlcyE=");
        GitlabProperties p = bind(ok);
        assertThat(p.toString()).contains("webhookSigningToken=set").doesNotContain("c2lnbmluZy1rZXk");
        assertThat(GitlabIntegrationStatus.of(p).detail()).contains("signed webhooks verified");
    }
}
