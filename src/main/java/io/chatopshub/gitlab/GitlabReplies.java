package io.chatopshub.gitlab;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.chatopshub.gitlab.DeployTargets.Resolution;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.ReleaseGuard.RunningRelease;
import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.Secrets;

/**
 * What people read in the release thread. Plain Slack mrkdwn, so the same text works in
 * {@code chat.postMessage}, a {@code response_url} and a log line. Anything that came from outside
 * (GitLab's error messages, names people typed) is escaped so it cannot ping {@code <!channel>}.
 */
public final class GitlabReplies {

    /** Reaction added to the mention when the pipeline starts. */
    public static final String REACTION_STARTED = "rocket";
    public static final String REACTION_SUCCESS = "white_check_mark";
    public static final String REACTION_FAILURE = "x";

    private GitlabReplies() {
    }

    /** {@code Pipeline #123 started for web on main: <url>}. */
    public static String started(DeployTarget target, Pipeline pipeline) {
        if (pipeline.isDryRun()) {
            return "Dry run: " + target.project() + " on " + target.ref() + " would be released now"
                    + " (no trigger token is configured for it, so no pipeline was started).";
        }
        return "Pipeline #" + number(pipeline.iid(), pipeline.id()) + " started for " + target.project() + " on "
                + target.ref() + link(pipeline.webUrl());
    }

    /** {@code web is already being released: pipeline #123 <url>, started 40 s ago}. */
    public static String alreadyRunning(DeployTarget target, RunningRelease running, Instant now) {
        String ago = running.started() == null ? ""
                : ", started " + duration(Math.max(0, Duration.between(running.started(), now).toSeconds())) + " ago";
        if (!running.pipelineKnown()) {
            return target.project() + " is already being released" + ago + "; its pipeline link follows in that thread.";
        }
        if (running.pipelineId() == 0) {
            return target.project() + " was just released as a dry run" + ago + ".";
        }
        String url = running.webUrl() == null ? "" : " " + Mrkdwn.escape(running.webUrl());
        return target.project() + " is already being released: pipeline #"
                + number(running.iid(), running.pipelineId()) + url + ago;
    }

    /** The answer for a mention that does not resolve to one target. */
    public static String unresolved(Resolution resolution) {
        if (resolution instanceof Resolution.Ambiguous a) {
            return "Which one? This channel can release " + names(a.candidates()) + ". Say `@hub release "
                    + a.candidates().get(0).project() + "`.";
        }
        if (resolution instanceof Resolution.Unknown u) {
            return Mrkdwn.escape(u.name()) + " cannot be released from this channel. It can release "
                    + names(u.releasable()) + ": `@hub release " + u.releasable().get(0).project() + "`.";
        }
        if (resolution instanceof Resolution.NoTargets) {
            return "Nothing can be released from this channel: it has no GitLab deploy target.";
        }
        throw new IllegalArgumentException("resolved to a target: " + resolution);
    }

    /** GitLab refused the trigger; tells the person what an operator has to fix. */
    public static String refused(DeployTarget target, PermanentFailureException failure) {
        return switch (failure.code()) {
            case "bad_trigger_token" -> "Could not release " + target.project() + ": GitLab answered 404, the trigger"
                    + " token for " + target.project() + " is wrong or was revoked. An operator needs to set a new"
                    + " one in chatops.gitlab.deploy-targets.";
            case "bad_ref" -> "Could not release " + target.project() + ": GitLab refused ref " + Mrkdwn.code(target.ref())
                    + detailOf(failure) + ".";
            default -> "Could not release " + target.project() + ": " + Mrkdwn.escape(Secrets.mask(failure.getMessage())) + ".";
        };
    }

    /**
     * GitLab stayed unreachable through every retry.
     *
     * @param maybeStarted true when the last failure left open whether a pipeline was created
     */
    public static String gaveUp(DeployTarget target, boolean maybeStarted, String gitlabUrl) {
        if (maybeStarted) {
            return stateUnknown(target, gitlabUrl);
        }
        return "Could not reach GitLab to release " + target.project() + " after several tries; nothing was started."
                + " Please ask again later.";
    }

    /** After a crash mid-trigger: the hub cannot tell whether the pipeline exists, and will not guess. */
    public static String stateUnknown(DeployTarget target, String gitlabUrl) {
        ProjectRef project = target.projectRef();
        String where = project.pipelinesPage(gitlabUrl)
                .map(page -> "check " + page)
                .orElse("check the pipelines of GitLab project " + project.path());
        return "I lost track of the release of " + target.project() + ": its pipeline may or may not have started. "
                + "Please " + where + " before asking again.";
    }

    /** {@code Pipeline #123 for web on main succeeded in 3 min 12 s: <url>}. */
    public static String result(PipelineResult r) {
        String what = r.pipelineId() == null && r.iid() == null ? "The release"
                : "Pipeline #" + number(r.iid(), r.pipelineId());
        String project = r.projectName() == null ? "" : " for " + Mrkdwn.escape(r.projectName());
        String ref = r.ref() == null ? "" : " on " + Mrkdwn.escape(r.ref());
        String verdict = switch (r.status()) {
            case SUCCESS -> " succeeded";
            case FAILED -> " failed";
            case CANCELED -> " was canceled";
            case SKIPPED -> " was skipped, nothing was deployed";
        };
        String took = r.durationSeconds() == null || r.status() == PipelineResult.Status.SKIPPED ? ""
                : " in " + duration(r.durationSeconds());
        return what + project + ref + verdict + took + link(r.webUrl());
    }

    /** {@code white_check_mark} for success, {@code x} for anything else. */
    public static String reaction(PipelineResult r) {
        return r.succeeded() ? REACTION_SUCCESS : REACTION_FAILURE;
    }

    /** The release line of the help reply, when the channel can release anything. */
    public static Optional<String> helpLine(List<DeployTarget> releasable) {
        if (releasable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("`@hub release <project>`: start the release pipeline of " + names(releasable)
                + " (also `@hub " + releasable.get(0).project() + "をリリース`)");
    }

    /** {@code 45 s}, {@code 3 min 12 s}, {@code 1 h 2 min}. */
    public static String duration(long seconds) {
        long s = Math.max(0, seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        }
        long minutes = (s % 3600) / 60;
        return (s / 3600) + " h" + (minutes == 0 ? "" : " " + minutes + " min");
    }

    private static String names(List<DeployTarget> targets) {
        List<String> names = targets.stream().map(t -> t.project() + " (" + t.ref() + ")").toList();
        if (names.size() == 1) {
            return names.get(0);
        }
        return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
                + " or " + names.get(names.size() - 1);
    }

    private static String detailOf(PermanentFailureException failure) {
        String message = failure.getMessage();
        int colon = message == null ? -1 : message.indexOf(": ");
        return colon < 0 ? "" : ": " + Mrkdwn.escape(Secrets.mask(message.substring(colon + 2)));
    }

    /** GitLab's pages title a pipeline by its global id, the one in its URL; the iid only when that is all there is. */
    private static long number(Long iid, Long id) {
        if (id != null && id > 0) {
            return id;
        }
        return iid == null ? 0 : iid;
    }

    /**
     * A URL from GitLab or a CI job, as text Slack links by itself. Escaped, so a URL such as
     * {@code https://x|x><!channel>} cannot close a link early or ping the channel.
     */
    private static String link(String url) {
        return url == null ? "" : ": " + Mrkdwn.escape(url);
    }

}
