package io.chatopshub.gitlab;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.chatopshub.gitlab.DeployTargets.Resolution;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.ReleaseRequests.RequestState;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One release mention, from its text to the reply for its thread, triggering at most one pipeline
 * per request id however often the request is delivered. The caller sends the reply and the
 * reaction; this class never talks to Slack.
 *
 * <p>Order matters: the request is claimed before the guard, so a worker that dies after claiming
 * leaves a request that answers "state unknown" on redelivery, never a guard that blocks the
 * release with nobody triggering it.
 *
 * <p>A request found mid-trigger is not necessarily lost: another worker (another hub instance,
 * or a duplicate of the queued request) may be waiting for GitLab's answer right now. Until that
 * call must have ended one way or the other, the request is retried later rather than answered
 * "state unknown"; a trigger call that failed here records its outcome, so its retry answers at
 * once.
 */
public final class GitlabReleases {

    private static final Logger LOG = LoggerFactory.getLogger(GitlabReleases.class);
    /** Time between recording a request and the trigger call, and after its answer, on a slow worker. */
    private static final Duration TRIGGER_CALL_MARGIN = Duration.ofSeconds(5);

    private final DeployTargets targets;
    private final GitlabClient client;
    private final ReleaseGuard guard;
    private final ReleaseRequests requests;
    private final String gitlabUrl;
    private final Clock clock;
    private final Duration triggerCallLimit;

    public GitlabReleases(DeployTargets targets, GitlabClient client, ReleaseGuard guard, ReleaseRequests requests,
                          GitlabProperties properties) {
        this(targets, client, guard, requests, properties.url(), Clock.systemUTC(),
                properties.connectTimeout().plus(properties.readTimeout()).plus(TRIGGER_CALL_MARGIN));
    }

    GitlabReleases(DeployTargets targets, GitlabClient client, ReleaseGuard guard, ReleaseRequests requests,
                   String gitlabUrl, Clock clock) {
        this(targets, client, guard, requests, gitlabUrl, clock, Duration.ZERO);
    }

    /**
     * @param triggerCallLimit how long a trigger call can take at most; a request found
     *                         mid-trigger for less than this is still in flight somewhere
     */
    GitlabReleases(DeployTargets targets, GitlabClient client, ReleaseGuard guard, ReleaseRequests requests,
                   String gitlabUrl, Clock clock, Duration triggerCallLimit) {
        this.targets = targets;
        this.client = client;
        this.guard = guard;
        this.requests = requests;
        this.gitlabUrl = gitlabUrl;
        this.clock = clock;
        this.triggerCallLimit = triggerCallLimit;
    }

    /**
     * The thread reply and, when something was started, the reaction for the mention.
     *
     * @param reaction emoji name without colons, or null
     */
    public record ReleaseReply(String text, String reaction) {
    }

    /** Whether a mention asks for a release at all; see {@link DeployTargets#isReleaseRequest}. */
    public boolean isReleaseRequest(String text) {
        return DeployTargets.isReleaseRequest(text);
    }

    /**
     * Handles one release mention.
     *
     * @param threadTs  the thread the pipeline reports back to ({@code variables[timestamp]})
     * @param requestId the Slack {@code event_id}: the unit of "exactly once"
     * @throws PipelineNotCreatedException GitLab was unreachable or busy and nothing was started:
     *                                     retry later; after the last retry answer with
     *                                     {@link #gaveUp}
     * @throws TransientFailureException  the trigger may or may not have created a pipeline; a retry
     *                                     of the same request answers that the state is unknown
     */
    public ReleaseReply release(String teamId, String channelId, String threadTs, String text, String requestId) {
        Resolution resolution = targets.resolve(teamId, channelId, text);
        if (!(resolution instanceof Resolution.Target resolved)) {
            return new ReleaseReply(GitlabReplies.unresolved(resolution), null);
        }
        DeployTarget target = resolved.target();
        if (!requests.begin(requestId)) {
            return replay(target, requestId);
        }
        if (!guard.claim(target, requestId)) {
            String reply = guard.running(target)
                    .map(r -> GitlabReplies.alreadyRunning(target, r, clock.instant()))
                    .orElse(target.project() + " is already being released.");
            requests.answered(requestId, "guarded", reply);
            LOG.info("release of {} in {} not started: guarded, request {}", target.project(), channelId, requestId);
            return new ReleaseReply(reply, null);
        }
        Pipeline pipeline;
        try {
            pipeline = client.triggerPipeline(target, channelId, threadTs, requestId);
        } catch (PipelineNotCreatedException e) {
            requests.abandon(requestId);
            guard.release(target);
            throw e;
        } catch (PermanentFailureException e) {
            String reply = GitlabReplies.refused(target, e);
            requests.answered(requestId, e.code(), reply);
            guard.release(target);
            LOG.warn("release of {} in {} refused by GitLab ({}), request {}", target.project(), channelId, e.code(),
                    requestId);
            return new ReleaseReply(reply, GitlabReplies.REACTION_FAILURE);
        } catch (TransientFailureException e) {
            requests.answered(requestId, "unknown", GitlabReplies.stateUnknown(target, gitlabUrl));
            throw e;
        }
        requests.complete(requestId, pipeline);
        guard.recordPipeline(target, pipeline);
        return new ReleaseReply(GitlabReplies.started(target, pipeline),
                pipeline.isDryRun() ? null : GitlabReplies.REACTION_STARTED);
    }

    /** The reply once retries are exhausted for {@code failure}. */
    public ReleaseReply gaveUp(String teamId, String channelId, String text, Throwable failure) {
        Resolution resolution = targets.resolve(teamId, channelId, text);
        if (!(resolution instanceof Resolution.Target resolved)) {
            return new ReleaseReply(GitlabReplies.unresolved(resolution), null);
        }
        boolean maybeStarted = !(failure instanceof PipelineNotCreatedException);
        return new ReleaseReply(GitlabReplies.gaveUp(resolved.target(), maybeStarted, gitlabUrl),
                GitlabReplies.REACTION_FAILURE);
    }

    /** How much longer a trigger call begun at {@code state.since()} may still be running. */
    private Duration inFlightFor(RequestState state) {
        if (state.since() == null || triggerCallLimit.isZero() || triggerCallLimit.isNegative()) {
            return Duration.ZERO;
        }
        Instant ends = state.since().plus(triggerCallLimit);
        Duration left = Duration.between(clock.instant(), ends);
        return left.isNegative() ? Duration.ZERO : left.plusSeconds(1).withNanos(0);
    }

    private ReleaseReply replay(DeployTarget target, String requestId) {
        RequestState state = requests.state(requestId).orElse(null);
        if (state == null) {
            return new ReleaseReply(GitlabReplies.stateUnknown(target, gitlabUrl), null);
        }
        return switch (state.phase()) {
            case TRIGGERED -> new ReleaseReply(GitlabReplies.started(target, state.pipeline()),
                    state.pipeline().isDryRun() ? null : GitlabReplies.REACTION_STARTED);
            case ANSWERED -> new ReleaseReply(state.reply() == null ? target.project() + " was already answered."
                    : state.reply(), null);
            case TRIGGERING -> {
                Duration left = inFlightFor(state);
                if (!left.isZero()) {
                    throw new TransientFailureException("request " + requestId + " for " + target.project()
                            + " is being triggered elsewhere; looking again in " + left.toSeconds() + " s", left);
                }
                LOG.warn("request {} for {} was interrupted while triggering; not triggering again", requestId,
                        target.project());
                yield new ReleaseReply(GitlabReplies.stateUnknown(target, gitlabUrl), null);
            }
        };
    }
}
