package io.chatopshub.gitlab;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.chatopshub.slack.SlackClient;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.Json;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.QueryStrings;
import io.chatopshub.system.inbound.Delivery;
import io.chatopshub.system.inbound.Delivery.Answer;
import io.chatopshub.system.inbound.InboundKind;
import io.chatopshub.system.inbound.InboundRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;

/**
 * The edge and the worker for release results: the inbound kinds of {@code /hooks/gitlab} and
 * {@code /hooks/deploy-result} verify and read through {@link PipelineHook}; what is worth telling
 * is queued as a {@link PipelineResult} and later posted to the release thread ({@link #report}).
 */
public class GitlabHooks {

    public static final String QUEUE = "chatops.gitlab.results";
    private static final Answer ACCEPTED = Answer.json(200, Json.write(Map.of("ok", true, "result", "accepted")));
    private static final Answer IGNORED = Answer.json(200, Json.write(Map.of("ok", true, "result", "ignored")));
    private static final Logger LOG = LoggerFactory.getLogger(GitlabHooks.class);

    private final PipelineHook hook;
    private final SlackClient slack;
    private final InboundKind pipelineHooks = new PipelineHooks();
    private final InboundKind deployResults = new DeployResults();

    GitlabHooks(PipelineHook hook, SlackClient slack) {
        this.hook = hook;
        this.slack = slack;
    }

    /** The two kinds on their own, for the early edge, which reads GitLab's deliveries before the hub exists. */
    public static GitlabHooks kindsOnly(GitlabProperties properties) {
        return new GitlabHooks(new PipelineHook(properties), null);
    }

    /**
     * {@code POST /hooks/gitlab}: GitLab's webhook signature ({@code webhook-signature}, when
     * {@code chatops.gitlab.webhook-signing-token} is set) or {@code X-Gitlab-Token}, then the
     * pipeline payload (JSON).
     */
    public InboundKind pipelineHooks() {
        return pipelineHooks;
    }

    /**
     * {@code GET|POST /hooks/deploy-result}: parameters from the query string, and for a POST also
     * from a form body (which keeps the token out of access logs); the query wins when both have one.
     * Any Content-Type is taken: CI scripts call it with a query string and any body.
     */
    public InboundKind deployResults() {
        return deployResults;
    }

    /**
     * Tells the release thread how the pipeline ended: a reaction on the message that asked, then
     * the reply. Adding the reaction again is harmless, so a retry after a failed reply posts
     * nothing twice.
     */
    public void report(String queuedResult) {
        PipelineResult result = read(queuedResult);
        String reaction = GitlabReplies.reaction(result);
        try {
            slack.addReaction(result.channel(), result.threadTs(), reaction);
        } catch (PermanentFailureException e) {
            LOG.warn("reaction {} for pipeline {} refused by Slack: {}", reaction, result.pipelineId(), e.code());
        }
        slack.postMessage(result.channel(), result.threadTs(), GitlabReplies.result(result), null);
        LOG.info("pipeline {} {} reported to {} thread {}", result.pipelineId(), result.status().gitlabName(),
                result.channel(), result.threadTs());
    }

    /** A result worth telling is queued once; the sender hears only whether it was taken on. */
    private static Delivery delivery(HookOutcome outcome) {
        if (outcome instanceof HookOutcome.Report report) {
            return Delivery.queued(report.dedupKey(), Json.write(report.result()), Map.of(), ACCEPTED);
        }
        if (outcome instanceof HookOutcome.Ignore ignore) {
            LOG.debug("ignored a GitLab delivery: {}", ignore.reason());
        }
        return Delivery.answerOnly(IGNORED);
    }

    private final class PipelineHooks implements InboundKind {

        @Override
        public void verify(InboundRequest request) {
            hook.verify(request.header("X-Gitlab-Token"), signed(request), request.body());
        }

        @Override
        public Delivery read(InboundRequest request) {
            String key = request.header("Idempotency-Key");
            return delivery(hook.readPipelineHook(request.text(), key != null && !key.isBlank() ? key : signed(request).id()));
        }

        private static PipelineHook.Signed signed(InboundRequest request) {
            return new PipelineHook.Signed(request.header("webhook-id"), request.header("webhook-timestamp"),
                    request.header("webhook-signature"));
        }

        @Override
        public List<MediaType> mediaTypes() {
            return List.of(MediaType.APPLICATION_JSON);
        }
    }

    private final class DeployResults implements InboundKind {

        @Override
        public void verify(InboundRequest request) {
            String[] token = parameters(request).get("token");
            hook.verify(token == null || token.length == 0 ? null : token[0]);
        }

        @Override
        public Delivery read(InboundRequest request) {
            return delivery(hook.deployResult(parameters(request)));
        }

        private static Map<String, String[]> parameters(InboundRequest request) {
            Map<String, String[]> parameters = new LinkedHashMap<>(request.queryParameters());
            if (!"GET".equalsIgnoreCase(request.method())) {
                String body = request.text().strip();
                if (!body.isEmpty()) {
                    QueryStrings.parse(body).forEach(parameters::putIfAbsent);
                }
            }
            return parameters;
        }
    }

    private static PipelineResult read(String json) {
        try {
            return Json.mapper().readValue(json, PipelineResult.class);
        } catch (IOException e) {
            throw new BadRequestException("queued pipeline result is not readable");
        }
    }
}
