package io.chatopshub.gitlab;

import java.time.Instant;
import java.util.List;

import io.chatopshub.gitlab.DeployTargets.Resolution;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.PipelineResult.Status;
import io.chatopshub.gitlab.ReleaseGuard.RunningRelease;
import io.chatopshub.system.PermanentFailureException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GitlabRepliesTests {

    static final DeployTarget WEB = new DeployTarget("C0RELEASE", null, "web", "1234", "main", "glptt-x");
    static final DeployTarget API = new DeployTarget("C0RELEASE", null, "api", "ops/api", "release", "glptt-y");
    static final String URL = "https://gitlab.example.com/acme/web/-/pipelines/123";

    @Test
    void startedReplyLinksThePipeline() {
        assertThat(GitlabReplies.started(WEB, new Pipeline(123, 7, URL, "created")))
                .isEqualTo("Pipeline #123 started for web on main: " + URL);
        assertThat(GitlabReplies.started(WEB, Pipeline.dryRun())).startsWith("Dry run: web on main would be released");
    }

    @Test
    void guardReplySaysHowLongAgo() {
        Instant started = Instant.parse("2025-01-01T10:00:00Z");
        assertThat(GitlabReplies.alreadyRunning(WEB, new RunningRelease(123L, 7L, URL, started, "Ev1"),
                started.plusSeconds(40)))
                .isEqualTo("web is already being released: pipeline #123 " + URL + ", started 40 s ago");
        assertThat(GitlabReplies.alreadyRunning(WEB, new RunningRelease(null, null, null, started, "Ev1"),
                started.plusSeconds(2)))
                .isEqualTo("web is already being released, started 2 s ago; its pipeline link follows in that thread.");
    }

    @Test
    void unresolvedRepliesListWhatCanBeReleased() {
        assertThat(GitlabReplies.unresolved(new Resolution.Ambiguous(List.of(WEB, API))))
                .isEqualTo("Which one? This channel can release web (main) or api (release). Say `@hub release web`.");
        assertThat(GitlabReplies.unresolved(new Resolution.Unknown("<!channel>", List.of(WEB))))
                .isEqualTo("&lt;!channel&gt; cannot be released from this channel. It can release web (main):"
                        + " `@hub release web`.");
        assertThat(GitlabReplies.unresolved(new Resolution.NoTargets()))
                .isEqualTo("Nothing can be released from this channel: it has no GitLab deploy target.");
    }

    @Test
    void refusalsSayWhatToFix() {
        assertThat(GitlabReplies.refused(WEB, new PermanentFailureException("bad_trigger_token", "x")))
                .contains("GitLab answered 404, the trigger token for web is wrong or was revoked");
        assertThat(GitlabReplies.refused(WEB, new PermanentFailureException("bad_ref",
                "GitLab answered 400 for web on main: Reference not found")))
                .isEqualTo("Could not release web: GitLab refused ref `main`: Reference not found.");
        assertThat(GitlabReplies.refused(WEB, new PermanentFailureException("http_403",
                "GitLab answered 403: not allowed to trigger pipelines of web")))
                .isEqualTo("Could not release web: GitLab answered 403: not allowed to trigger pipelines of web.");
    }

    @Test
    void gaveUpAndUnknownStatePointAtThePipelinesPage() {
        assertThat(GitlabReplies.gaveUp(WEB, false, "https://gitlab.com"))
                .isEqualTo("Could not reach GitLab to release web after several tries; nothing was started."
                        + " Please ask again later.");
        assertThat(GitlabReplies.gaveUp(API, true, "https://gitlab.com"))
                .isEqualTo("I lost track of the release of api: its pipeline may or may not have started."
                        + " Please check https://gitlab.com/ops/api/-/pipelines before asking again.");
        assertThat(GitlabReplies.stateUnknown(WEB, "https://gitlab.com"))
                .endsWith("Please check the pipelines of GitLab project 1234 before asking again.");
    }

    @Test
    void resultReplyHasStatusDurationAndLink() {
        PipelineResult ok = new PipelineResult(123L, 7L, Status.SUCCESS, 192L, URL, "web", "main", "C0RELEASE",
                "1712345678.000100", "Ev1");
        assertThat(GitlabReplies.result(ok)).isEqualTo("Pipeline #123 for web on main succeeded in 3 min 12 s: " + URL);
        assertThat(GitlabReplies.reaction(ok)).isEqualTo("white_check_mark");

        PipelineResult failed = new PipelineResult(null, null, Status.FAILED, null, null, null, null, "C0RELEASE",
                "1712345678.000100", null);
        assertThat(GitlabReplies.result(failed)).isEqualTo("The release failed");
        assertThat(GitlabReplies.reaction(failed)).isEqualTo("x");

        PipelineResult skipped = new PipelineResult(123L, 7L, Status.SKIPPED, 0L, URL, "web", "main", "C0RELEASE",
                "1712345678.000100", null);
        assertThat(GitlabReplies.result(skipped)).isEqualTo("Pipeline #123 for web on main was skipped, nothing was deployed: " + URL);
        assertThat(GitlabReplies.reaction(skipped)).isEqualTo("x");
    }

    @Test
    void durationsReadNaturally() {
        assertThat(GitlabReplies.duration(0)).isEqualTo("0 s");
        assertThat(GitlabReplies.duration(45)).isEqualTo("45 s");
        assertThat(GitlabReplies.duration(180)).isEqualTo("3 min");
        assertThat(GitlabReplies.duration(192)).isEqualTo("3 min 12 s");
        assertThat(GitlabReplies.duration(3720)).isEqualTo("1 h 2 min");
    }

    @Test
    void helpLineOnlyWhereSomethingCanBeReleased() {
        assertThat(GitlabReplies.helpLine(List.of(WEB, API)))
                .contains("`@hub release <project>`: start the release pipeline of web (main) or api (release)"
                        + " (also `@hub webをリリース`)");
        assertThat(GitlabReplies.helpLine(List.of())).isEmpty();
    }
}
