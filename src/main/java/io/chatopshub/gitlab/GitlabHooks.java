package io.chatopshub.gitlab;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import io.chatopshub.slack.SlackClient;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.Json;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.QueryStrings;
import io.chatopshub.system.RawBody;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge and the worker for release results: {@code /hooks/gitlab} and
 * {@code /hooks/deploy-result} are verified and read by {@link PipelineHook}; what is worth telling
 * is queued as a {@link PipelineResult} and later posted to the release thread.
 */
public class GitlabHooks {

    public static final String QUEUE = "chatops.gitlab.results";
    /** {@code report} when the delivery is queued, {@code ignore} when it is only answered. */
    public static final String OUTCOME = "ChatopsGitlabOutcome";
    static final String DELIVERY_ID = "ChatopsDeliveryId";

    /** What {@code /hooks/deploy-result} reads; anything else in the query or form is ignored. */
    private static final List<String> DEPLOY_RESULT_PARAMETERS = List.of("token", "source", "result", "channel",
            "timestamp", "url", "pipeline");
    private static final Logger LOG = LoggerFactory.getLogger(GitlabHooks.class);

    private final PipelineHook hook;
    private final SlackClient slack;

    GitlabHooks(PipelineHook hook, SlackClient slack) {
        this.hook = hook;
        this.slack = slack;
    }

    /** {@code POST /hooks/gitlab}: signature or token, then payload. */
    public void pipelineHook(Exchange exchange) {
        PipelineHook.Signed signed = new PipelineHook.Signed(requestHeader(exchange, "webhook-id"),
                requestHeader(exchange, "webhook-timestamp"), requestHeader(exchange, "webhook-signature"));
        HookOutcome outcome = hook.pipelineHook(requestHeader(exchange, "X-Gitlab-Token"), signed,
                RawBody.of(exchange), requestHeader(exchange, "Idempotency-Key"));
        accept(exchange, outcome);
    }

    /**
     * {@code GET|POST /hooks/deploy-result}: parameters from the query string, and for a POST also
     * from a form body (which keeps the token out of access logs); the query wins when both have one.
     */
    public void deployResult(Exchange exchange) {
        Map<String, String[]> parameters = new LinkedHashMap<>(queryParameters(exchange));
        if (!"GET".equalsIgnoreCase(exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class))) {
            String body = RawBody.asString(exchange).strip();
            if (!body.isEmpty()) {
                QueryStrings.parse(body).forEach(parameters::putIfAbsent);
            }
        }
        accept(exchange, hook.deployResult(parameters));
    }

    /** The 200 answer: says whether the delivery was taken on, never why not in any detail. */
    public String answer(Exchange exchange) {
        String outcome = exchange.getIn().getHeader(OUTCOME, String.class);
        return Json.write(Map.of("ok", true, "result", "report".equals(outcome) ? "accepted" : "ignored"));
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

    private static void accept(Exchange exchange, HookOutcome outcome) {
        Message in = exchange.getIn();
        if (outcome instanceof HookOutcome.Report report) {
            in.setHeader(OUTCOME, "report");
            in.setHeader(DELIVERY_ID, report.dedupKey());
            in.setBody(Json.write(report.result()));
        } else if (outcome instanceof HookOutcome.Ignore ignore) {
            in.setHeader(OUTCOME, "ignore");
            in.setBody("");
            LOG.debug("route {} ignored a GitLab delivery: {}", exchange.getFromRouteId(), ignore.reason());
        }
    }

    private static PipelineResult read(String json) {
        try {
            return Json.mapper().readValue(json, PipelineResult.class);
        } catch (IOException e) {
            throw new BadRequestException("queued pipeline result is not readable");
        }
    }

    /**
     * A header of the HTTP request itself. Camel also turns query parameters into headers, and a
     * token must not be accepted from the query where only the header is meant.
     */
    private static String requestHeader(Exchange exchange, String name) {
        HttpServletRequest request = exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        if (request != null) {
            return request.getHeader(name);
        }
        return exchange.getIn().getHeader(name, String.class);
    }

    private static Map<String, String[]> queryParameters(Exchange exchange) {
        Message in = exchange.getIn();
        String query = in.getHeader(Exchange.HTTP_QUERY, String.class);
        HttpServletRequest request = in.getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        if (query == null && request != null) {
            query = request.getQueryString();
        }
        if (query != null) {
            return QueryStrings.parse(query);
        }
        Map<String, String[]> fromHeaders = new LinkedHashMap<>();
        for (String name : DEPLOY_RESULT_PARAMETERS) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                fromHeaders.put(name, new String[] {value});
            }
        }
        return fromHeaders;
    }
}
