package io.chatopshub.gitlab;

import java.util.List;

import io.chatopshub.gitlab.DeployTargets.Resolution;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeployTargetsTests {

    static final DeployTarget WEB = new DeployTarget("C0RELEASE", null, "web", "1234", "main", "glptt-web");
    static final DeployTarget API = new DeployTarget("C0RELEASE", null, "api", "ops/api", "main", "glptt-api");
    static final DeployTarget WEB_ADMIN = new DeployTarget("C0RELEASE", null, "web-admin", "77", "main", "glptt-wa");
    static final DeployTarget SOLO = new DeployTarget("C0SOLO", null, "web", "1234", "stable", null);
    static final DeployTarget TEAM_B = new DeployTarget("C0TEAMS", "T0B", "billing", "9", "main", null);
    static final DeployTarget BATCH = new DeployTarget("C0OTHER", null, "batch", "5", "main", null);

    private final DeployTargets targets = new DeployTargets(List.of(WEB, API, WEB_ADMIN, SOLO, TEAM_B, BATCH));

    private Resolution resolve(String channel, String text) {
        return targets.resolve("T0A", channel, text);
    }

    @Test
    void namedProjectIsTheTarget() {
        assertThat(resolve("C0RELEASE", "<@U0HUB> release web")).isEqualTo(new Resolution.Target(WEB));
        assertThat(resolve("C0RELEASE", "<@U0HUB> Release API please!")).isEqualTo(new Resolution.Target(API));
    }

    @Test
    void projectIsMatchedAsAWholeWord() {
        assertThat(resolve("C0RELEASE", "<@U0HUB> release web-admin")).isEqualTo(new Resolution.Target(WEB_ADMIN));
        assertThat(resolve("C0RELEASE", "<@U0HUB> release webapp")).isInstanceOf(Resolution.Unknown.class);
    }

    @Test
    void punctuationAroundTheNameDoesNotMatter() {
        assertThat(resolve("C0RELEASE", "<@U0HUB> release: web.")).isEqualTo(new Resolution.Target(WEB));
        assertThat(resolve("C0RELEASE", "<@U0HUB> (web) release, thanks")).isEqualTo(new Resolution.Target(WEB));
    }

    @Test
    void japaneseWithoutSpacesNamesTheProject() {
        assertThat(resolve("C0RELEASE", "<@U0HUB> webをリリース")).isEqualTo(new Resolution.Target(WEB));
        assertThat(resolve("C0RELEASE", "<@U0HUB> apiのリリースお願いします")).isEqualTo(new Resolution.Target(API));
        assertThat(resolve("C0RELEASE", "<@U0HUB> ｗｅｂをリリースして")).isEqualTo(new Resolution.Target(WEB));
    }

    @Test
    void onlyTargetOfTheChannelIsTakenWhenNoneIsNamed() {
        assertThat(resolve("C0SOLO", "<@U0HUB> release")).isEqualTo(new Resolution.Target(SOLO));
        assertThat(resolve("C0SOLO", "<@U0HUB> リリースお願いします")).isEqualTo(new Resolution.Target(SOLO));
        assertThat(resolve("C0SOLO", "<@U0HUB> release please")).isEqualTo(new Resolution.Target(SOLO));
    }

    @Test
    void severalTargetsAndNoneNamedIsAmbiguous() {
        assertThat(resolve("C0RELEASE", "<@U0HUB> release")).isEqualTo(new Resolution.Ambiguous(List.of(WEB, API, WEB_ADMIN)));
    }

    @Test
    void severalNamedIsAmbiguousBetweenThem() {
        assertThat(resolve("C0RELEASE", "<@U0HUB> release web and api"))
                .isEqualTo(new Resolution.Ambiguous(List.of(WEB, API)));
    }

    @Test
    void unknownNameListsWhatTheChannelCanRelease() {
        assertThat(resolve("C0RELEASE", "<@U0HUB> release frontend"))
                .isEqualTo(new Resolution.Unknown("frontend", List.of(WEB, API, WEB_ADMIN)));
        assertThat(resolve("C0RELEASE", "<@U0HUB> frontendをリリース"))
                .isEqualTo(new Resolution.Unknown("frontend", List.of(WEB, API, WEB_ADMIN)));
    }

    @Test
    void namingAnotherProjectInASingleTargetChannelDoesNotReleaseTheOnlyTarget() {
        assertThat(resolve("C0SOLO", "<@U0HUB> release batch")).isEqualTo(new Resolution.Unknown("batch", List.of(SOLO)));
        assertThat(resolve("C0SOLO", "<@U0HUB> release wbe")).isEqualTo(new Resolution.Unknown("wbe", List.of(SOLO)));
    }

    @Test
    void channelWithoutTargetsHasNone() {
        assertThat(resolve("C0NOTHING", "<@U0HUB> release web")).isEqualTo(new Resolution.NoTargets());
    }

    @Test
    void teamBoundTargetOnlyAnswersItsTeam() {
        assertThat(targets.resolve("T0B", "C0TEAMS", "<@U0HUB> release")).isEqualTo(new Resolution.Target(TEAM_B));
        assertThat(targets.resolve("T0A", "C0TEAMS", "<@U0HUB> release")).isEqualTo(new Resolution.NoTargets());
    }

    @Test
    void slackMarkupNeverNamesAProject() {
        assertThat(resolve("C0RELEASE", "<@U0HUB> release <https://example.com/web|web docs> api"))
                .isEqualTo(new Resolution.Target(API));
    }

    @Test
    void releasableListsTheChannelsTargetsInOrder() {
        assertThat(targets.releasable("T0A", "C0RELEASE")).containsExactly(WEB, API, WEB_ADMIN);
        assertThat(targets.releasable("T0A", "C0NOTHING")).isEmpty();
    }

    @Test
    void releaseRequestsAreRecognised() {
        assertThat(DeployTargets.isReleaseRequest("<@U123> release web")).isTrue();
        assertThat(DeployTargets.isReleaseRequest("<@U123> RELEASE!")).isTrue();
        assertThat(DeployTargets.isReleaseRequest("<@U123>release")).isTrue();
        assertThat(DeployTargets.isReleaseRequest("<@U123> webをリリース")).isTrue();
        assertThat(DeployTargets.isReleaseRequest("<@U123> ﾘﾘｰｽして")).isTrue();
        assertThat(DeployTargets.isReleaseRequest("<@U123> ｒｅｌｅａｓｅ web")).isTrue();
    }

    @Test
    void otherMentionsAreNotReleaseRequests() {
        assertThat(DeployTargets.isReleaseRequest("<@U123> よろしく")).isFalse();
        assertThat(DeployTargets.isReleaseRequest("<@U123> was web released yesterday?")).isFalse();
        assertThat(DeployTargets.isReleaseRequest("<@U123> see <https://example.com/release|notes>")).isFalse();
        assertThat(DeployTargets.isReleaseRequest(null)).isFalse();
    }
}
