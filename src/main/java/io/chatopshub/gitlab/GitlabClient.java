package io.chatopshub.gitlab;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.system.DryRun;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.Secrets;
import io.chatopshub.system.TransientFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.util.StreamUtils;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Starts release pipelines with GitLab's trigger API. The trigger token travels in the form body,
 * never in the URL, so it cannot end up in access logs or in an exception message that quotes the
 * URL. Every failure is sorted into "retrying can fix it" ({@link TransientFailureException}) and
 * "a person has to fix the configuration" ({@link PermanentFailureException}).
 */
public class GitlabClient {

    private static final Logger LOG = LoggerFactory.getLogger(GitlabClient.class);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private final String baseUrl;
    private final Duration readTimeout;
    /**
     * Built on the first call to GitLab, not at start: the JDK client's TLS set-up and selector
     * thread are not needed before someone releases. The settings are read (and were checked) now.
     */
    private final SingletonSupplier<RestClient> rest;
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;

    public GitlabClient(GitlabProperties properties, RestClient.Builder builder) {
        this(properties, () -> builder, Clock.systemUTC());
    }

    GitlabClient(GitlabProperties properties, RestClient.Builder builder, Clock clock) {
        this(properties, () -> builder, clock);
    }

    /**
     * {@code builder} is asked for on the first call too: Spring Boot's {@code RestClient.Builder}
     * brings the message converters and their object mapper, which the first answer does not need.
     */
    GitlabClient(GitlabProperties properties, Supplier<RestClient.Builder> builder, Clock clock) {
        this.baseUrl = properties.url();
        this.readTimeout = properties.readTimeout();
        this.clock = clock;
        Duration connectTimeout = properties.connectTimeout();
        this.rest = SingletonSupplier.of(() -> {
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
            factory.setReadTimeout(readTimeout);
            return builder.get().clone().requestFactory(factory).build();
        });
    }

    /**
     * Triggers {@code target}'s pipeline on its configured ref, carrying the Slack thread so the
     * pipeline webhook can answer there.
     *
     * @throws PermanentFailureException code {@code bad_trigger_token} (404), {@code bad_ref} (400),
     *                                   {@code http_401}/{@code http_403}/{@code http_<n>} for other 4xx
     * @throws PipelineNotCreatedException connection refused, 429 or 503: safe to try again
     * @throws TransientFailureException  read timeout, 5xx, broken connection: GitLab may or may not
     *                                   have created the pipeline
     */
    public Pipeline triggerPipeline(DeployTarget target, String channel, String threadTs, String requestId) {
        ProjectRef project = target.projectRef();
        String call = "POST " + baseUrl + "/api/v4/projects/" + project.apiSegment() + "/trigger/pipeline";
        if (!target.hasTriggerToken()) {
            DryRun.log("gitlab", call, "token=*** (no trigger-token configured) ref=" + target.ref() + " variables[RELEASE]=true"
                    + " variables[channel]=" + channel + " variables[timestamp]=" + threadTs
                    + " variables[CHATOPS_REQUEST_ID]=" + requestId + " (project " + target.project() + ")");
            return Pipeline.dryRun();
        }
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("token", target.triggerToken());
        form.add("ref", target.ref());
        form.add("variables[RELEASE]", "true");
        form.add("variables[channel]", channel);
        form.add("variables[timestamp]", threadTs);
        form.add("variables[CHATOPS_REQUEST_ID]", requestId);
        URI uri = URI.create(baseUrl + "/api/v4/projects/" + project.apiSegment() + "/trigger/pipeline");
        try {
            Pipeline pipeline = rest.obtain().post()
                    .uri(uri)
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                    .accept(MediaType.APPLICATION_JSON)
                    .body(form)
                    .exchange((request, response) -> {
                        int status = response.getStatusCode().value();
                        String body = StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
                        if (status == 200 || status == 201) {
                            return parsePipeline(body, target);
                        }
                        throw failure(status, body, response.getHeaders(), target);
                    }, true);
            LOG.info("GitLab pipeline {} (#{}) created for {} on {}, request {}",
                    pipeline.id(), pipeline.iid(), target.project(), target.ref(), requestId);
            return pipeline;
        } catch (ResourceAccessException e) {
            throw ioFailure(e, target);
        }
    }

    private Pipeline parsePipeline(String body, DeployTarget target) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.path("id").canConvertToLong()) {
                throw new TransientFailureException("GitLab created a pipeline for " + target.project()
                        + " but its answer has no pipeline id", (Duration) null);
            }
            return new Pipeline(node.path("id").asLong(), node.path("iid").asLong(),
                    textOrNull(node.path("web_url")), textOrNull(node.path("status")));
        } catch (IOException e) {
            throw new TransientFailureException("GitLab answered the trigger for " + target.project()
                    + " with a body that is not JSON", e);
        }
    }

    private RuntimeException failure(int status, String body, HttpHeaders headers, DeployTarget target) {
        String project = target.project();
        String detail = gitlabMessage(body);
        if (status == 404) {
            return new PermanentFailureException("bad_trigger_token", "GitLab answered 404: the trigger token for "
                    + project + " is wrong or was revoked, or project-id " + target.projectId() + " does not exist");
        }
        if (status == 400) {
            return new PermanentFailureException("bad_ref", "GitLab answered 400 for " + project + " on "
                    + target.ref() + (detail == null ? "" : ": " + detail));
        }
        if (status == 401 || status == 403) {
            return new PermanentFailureException("http_" + status, "GitLab answered " + status
                    + ": not allowed to trigger pipelines of " + project + (detail == null ? "" : " (" + detail + ")"));
        }
        Duration retryAfter = retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER));
        if (status == 429 || status == 503) {
            return new PipelineNotCreatedException("GitLab answered " + status + " to the trigger for " + project
                    + (retryAfter == null ? "" : ", retry after " + retryAfter.toSeconds() + " s"), retryAfter, null);
        }
        if (status >= 500) {
            return new TransientFailureException("GitLab answered " + status + " to the trigger for " + project
                    + (detail == null ? "" : ": " + detail), retryAfter);
        }
        return new PermanentFailureException("http_" + status, "GitLab answered " + status + " to the trigger for "
                + project + (detail == null ? "" : ": " + detail));
    }

    private RuntimeException ioFailure(ResourceAccessException e, DeployTarget target) {
        String project = target.project();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return new PipelineNotCreatedException("could not connect to GitLab at " + baseUrl
                        + " to trigger " + project + ": " + t.getClass().getSimpleName(), null, e);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return new TransientFailureException("GitLab did not answer the trigger for " + project
                        + " within " + (readTimeout.toMillis() < 1000 ? readTimeout.toMillis() + " ms" : readTimeout.toSeconds() + " s"), e);
            }
        }
        return new TransientFailureException("the connection to GitLab broke while triggering " + project, e);
    }

    /** GitLab's {@code message}, a string or a map of field to messages; masked, never a token. */
    private String gitlabMessage(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = json.readTree(body);
            JsonNode message = node.has("message") ? node.get("message") : node.get("error");
            if (message == null || message.isNull()) {
                return null;
            }
            if (message.isValueNode()) {
                return Secrets.mask(message.asText());
            }
            List<String> parts = new ArrayList<>();
            message.fields().forEachRemaining(f -> {
                String prefix = f.getKey().equals("base") ? "" : f.getKey() + " ";
                if (f.getValue().isArray()) {
                    f.getValue().forEach(v -> parts.add(prefix + v.asText()));
                } else {
                    parts.add(prefix + f.getValue().asText());
                }
            });
            if (message.isArray()) {
                message.forEach(v -> parts.add(v.asText()));
            }
            return parts.isEmpty() ? null : Secrets.mask(String.join("; ", parts));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Seconds or an HTTP date; capped so a confused proxy cannot park a release for days. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                d = Duration.between(clock.instant(), at.toInstant());
            } catch (RuntimeException notADate) {
                return null;
            }
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }
}
