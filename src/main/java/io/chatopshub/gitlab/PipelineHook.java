package io.chatopshub.gitlab;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatopshub.gitlab.PipelineResult.Status;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.InvalidSignatureException;
import io.chatopshub.system.Secrets;

/**
 * Reads what GitLab and CI jobs report back about releases: the pipeline webhook
 * ({@code /hooks/gitlab}) and the script-friendly {@code /hooks/deploy-result}. Both are
 * authenticated by {@code chatops.gitlab.webhook-token}; without one configured, every delivery is
 * refused rather than accepted from anyone.
 *
 * <p>GitLab sends a webhook for every status change of every pipeline of the project, so most
 * deliveries are ignored: only final statuses of pipelines that carry a Slack thread in their
 * variables are reported. Anything GitLab adds to the payload later is ignored.
 */
public final class PipelineHook {

    private static final Pattern CHANNEL = Pattern.compile("[CGD][A-Z0-9]{2,24}");
    private static final Pattern SLACK_TS = Pattern.compile("\\d{1,12}\\.\\d{1,9}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,19}");
    private static final Pattern HTTP_URL = Pattern.compile("(?i)https?://\\S+");

    private final String webhookToken;
    private final GitlabWebhookSignature signature;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
            .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, false);

    public PipelineHook(GitlabProperties properties) {
        this(properties, java.time.Clock.systemUTC());
    }

    PipelineHook(GitlabProperties properties, java.time.Clock clock) {
        this.webhookToken = properties.webhookToken();
        this.signature = properties.webhookSigningToken() == null ? null
                : new GitlabWebhookSignature(properties.webhookSigningToken(), properties.webhookSignatureWindow(), clock);
    }

    /**
     * The headers of GitLab's signed webhooks; all null when the delivery is not signed.
     *
     * @param id        {@code webhook-id}
     * @param timestamp {@code webhook-timestamp}
     * @param signature {@code webhook-signature}
     */
    public record Signed(String id, String timestamp, String signature) {

        static final Signed NONE = new Signed(null, null, null);

        boolean present() {
            return GitlabWebhookSignature.isSigned(id, timestamp, signature);
        }
    }

    /**
     * Checks a pipeline webhook's credentials: a signature (when a signing token is configured and
     * the delivery is signed) and the {@code X-Gitlab-Token} (when sent). Each credential that is
     * presented must hold, and at least one must be presented and checked.
     *
     * @throws InvalidSignatureException a forged, stale or future signature, a wrong token, or no
     *                                   credential the hub can check
     */
    public void verify(String presentedToken, Signed signed, byte[] rawBody) {
        boolean checked = false;
        if (signature != null && signed.present()) {
            signature.verify(signed.id(), signed.timestamp(), signed.signature(), rawBody);
            checked = true;
        }
        if (presentedToken != null && !presentedToken.isEmpty() && (webhookToken != null || !checked)) {
            // a token the hub has no value for is only judged when nothing else was checked
            verify(presentedToken);
            checked = true;
        }
        if (!checked) {
            if (webhookToken == null && signature == null) {
                throw new InvalidSignatureException("neither chatops.gitlab.webhook-token nor"
                        + " chatops.gitlab.webhook-signing-token is set: GitLab deliveries are refused");
            }
            throw new InvalidSignatureException(signature == null ? "missing GitLab token"
                    : "missing GitLab token or webhook-signature");
        }
    }

    /**
     * Checks {@code X-Gitlab-Token} (or the {@code token} parameter) in constant time.
     *
     * @throws InvalidSignatureException missing, wrong, or no webhook-token configured
     */
    public void verify(String presentedToken) {
        if (webhookToken == null) {
            throw new InvalidSignatureException("chatops.gitlab.webhook-token is not set: GitLab deliveries are refused");
        }
        if (presentedToken == null || presentedToken.isEmpty()) {
            throw new InvalidSignatureException("missing GitLab token");
        }
        if (!Secrets.constantTimeEquals(webhookToken, presentedToken)) {
            throw new InvalidSignatureException("wrong GitLab token");
        }
    }

    /**
     * A pipeline webhook delivery: verifies the token, then reads the body.
     *
     * @param gitlabToken    the {@code X-Gitlab-Token} header
     * @param idempotencyKey the {@code Idempotency-Key} header, stable across GitLab's resends; may be null
     * @throws InvalidSignatureException bad token
     * @throws BadRequestException       body is not JSON
     */
    public HookOutcome pipelineHook(String gitlabToken, String body, String idempotencyKey) {
        return pipelineHook(gitlabToken, Signed.NONE, body == null ? new byte[0]
                : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), idempotencyKey);
    }

    /**
     * A pipeline webhook delivery, signed or with a token: verified over the raw bytes, then read.
     *
     * @throws InvalidSignatureException bad signature or token
     * @throws BadRequestException       body is not JSON
     */
    public HookOutcome pipelineHook(String gitlabToken, Signed signed, byte[] rawBody, String idempotencyKey) {
        verify(gitlabToken, signed, rawBody);
        String body = new String(rawBody, java.nio.charset.StandardCharsets.UTF_8);
        String key = idempotencyKey != null && !idempotencyKey.isBlank() ? idempotencyKey : signed.id();
        return readPipelineHook(body, key);
    }

    HookOutcome readPipelineHook(String body, String idempotencyKey) {
        JsonNode root = readJson(body);
        if (!root.isObject()) {
            return new HookOutcome.Ignore("not a JSON object");
        }
        String kind = text(root, "object_kind");
        if (!"pipeline".equals(kind)) {
            return new HookOutcome.Ignore("object_kind " + (kind == null ? "missing" : kind));
        }
        JsonNode attributes = root.path("object_attributes");
        String gitlabStatus = text(attributes, "status");
        Long pipelineId = number(attributes, "id");
        Optional<Status> status = Status.ofGitlab(gitlabStatus);
        if (status.isEmpty()) {
            return new HookOutcome.Ignore("pipeline " + pipelineId + " status " + gitlabStatus + " is not final");
        }
        Map<String, String> variables = variables(attributes.path("variables"));
        String channel = variables.get("channel");
        String threadTs = variables.get("timestamp");
        if (channel == null || threadTs == null) {
            return new HookOutcome.Ignore("pipeline " + pipelineId + " has no channel and timestamp variables");
        }
        if (!CHANNEL.matcher(channel).matches() || !SLACK_TS.matcher(threadTs).matches()) {
            return new HookOutcome.Ignore("pipeline " + pipelineId + " variables channel/timestamp are not a Slack thread");
        }
        JsonNode project = root.path("project");
        String webUrl = text(attributes, "url");
        if (webUrl == null && text(project, "web_url") != null && pipelineId != null) {
            webUrl = text(project, "web_url") + "/-/pipelines/" + pipelineId;
        }
        PipelineResult result = new PipelineResult(pipelineId, number(attributes, "iid"), status.get(),
                number(attributes, "duration"), webUrl, text(project, "name"), text(attributes, "ref"),
                channel, threadTs, variables.get("CHATOPS_REQUEST_ID"));
        String key = idempotencyKey != null && !idempotencyKey.isBlank()
                ? "gitlab:hook:" + idempotencyKey.strip()
                : "gitlab:pipeline:" + (pipelineId == null ? channel + ":" + threadTs : pipelineId) + ":"
                        + status.get().gitlabName();
        return new HookOutcome.Report(result, key);
    }

    /**
     * A CI job's {@code /hooks/deploy-result?token=…&source=gitlab&result=success|failure&channel=…&timestamp=…}
     * with optional {@code url} and {@code pipeline}. Values may be strings or lists of strings (the
     * first one counts), as HTTP frameworks hand them over.
     *
     * @throws InvalidSignatureException bad or missing token (checked before anything else)
     * @throws BadRequestException       a missing or malformed parameter, named in the message
     */
    public HookOutcome.Report deployResult(Map<String, ?> parameters) {
        verify(param(parameters, "token"));
        String source = param(parameters, "source");
        if (!"gitlab".equals(source)) {
            throw new BadRequestException("source must be gitlab");
        }
        String result = param(parameters, "result");
        Status status;
        if ("success".equals(result)) {
            status = Status.SUCCESS;
        } else if ("failure".equals(result)) {
            status = Status.FAILED;
        } else {
            throw new BadRequestException("result must be success or failure");
        }
        String channel = param(parameters, "channel");
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new BadRequestException("channel must be a Slack channel id such as C0123456");
        }
        String threadTs = param(parameters, "timestamp");
        if (threadTs == null || !SLACK_TS.matcher(threadTs).matches()) {
            throw new BadRequestException("timestamp must be the Slack message ts, e.g. 1712345678.000100");
        }
        String url = param(parameters, "url");
        if (url != null && !HTTP_URL.matcher(url).matches()) {
            throw new BadRequestException("url must be an http(s) URL");
        }
        String pipeline = param(parameters, "pipeline");
        if (pipeline != null && !DIGITS.matcher(pipeline).matches()) {
            throw new BadRequestException("pipeline must be a pipeline id (digits)");
        }
        Long pipelineId = pipeline == null ? null : Long.valueOf(pipeline);
        PipelineResult r = new PipelineResult(pipelineId, null, status, null, url, null, null, channel, threadTs, null);
        String key = "gitlab:deploy-result:" + channel + ":" + threadTs + ":" + result
                + (pipelineId == null ? "" : ":" + pipelineId);
        return new HookOutcome.Report(r, key);
    }

    private JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            throw new BadRequestException("empty body");
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new BadRequestException("body is not JSON");
        }
    }

    private static Map<String, String> variables(JsonNode list) {
        Map<String, String> out = new HashMap<>();
        if (list.isArray()) {
            for (JsonNode v : list) {
                String key = text(v, "key");
                String value = text(v, "value");
                if (key != null && value != null) {
                    out.putIfAbsent(key, value.strip());
                }
            }
        }
        return out;
    }

    private static String param(Map<String, ?> parameters, String name) {
        Object v = parameters == null ? null : parameters.get(name);
        if (v instanceof Collection<?> c) {
            v = c.isEmpty() ? null : c.iterator().next();
        } else if (v instanceof Object[] a) {
            v = a.length == 0 ? null : a[0];
        }
        if (v == null) {
            return null;
        }
        String s = v.toString().strip();
        return s.isEmpty() ? null : s;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isBlank() ? null : s;
    }

    private static Long number(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isNumber()) {
            return v.asLong();
        }
        if (v.isTextual() && DIGITS.matcher(v.asText().strip()).matches()) {
            return Long.valueOf(v.asText().strip());
        }
        return null;
    }
}
