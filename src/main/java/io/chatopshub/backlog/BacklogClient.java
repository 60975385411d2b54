package io.chatopshub.backlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatopshub.system.DryRun;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.Secrets;
import io.chatopshub.system.TransientFailureException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Backlog API v2: the four calls alert tickets need. Bodies are form-encoded and the API key
 * travels as the {@code apiKey} query parameter, as Backlog requires; so request URLs are never
 * logged or put into exceptions, and a failure's cause is reduced to its type and masked message
 * because the HTTP library's own exceptions quote the full URL.
 *
 * <p>A plain {@link RestClient} is used on purpose, not Spring Boot's instrumented builder:
 * HTTP client observations would record the URL with its key in traces.
 *
 * <p>Without {@code chatops.backlog.url} and {@code api-key} every call is logged as DRY-RUN and
 * nothing is sent.
 */
public class BacklogClient {

    /** Backlog's default workflow: 1 open, 2 in progress, 3 resolved, 4 closed. */
    static final String CLOSED_STATUS_ID = "4";
    private static final List<String> OPEN_STATUS_IDS = List.of("1", "2", "3");
    private static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(BacklogClient.class);

    private final BacklogProperties properties;
    private final Clock clock;
    /**
     * Built on the first call to Backlog, not at start: the JDK client's TLS set-up and selector
     * thread cost start time and memory a hub without alerts to file never needs back.
     */
    private final SingletonSupplier<RestClient> http = SingletonSupplier.of(BacklogClient::newRestClient);
    private final ObjectMapper mapper = new ObjectMapper();

    public BacklogClient(BacklogProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    private static RestClient newRestClient() {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        var factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(Duration.ofSeconds(30));
        return RestClient.builder().requestFactory(factory).build();
    }

    public boolean configured() {
        return properties.configured();
    }

    /** The project, issue type and priority of {@code chatops.backlog}. */
    public BacklogTarget defaultTarget() {
        return BacklogTarget.of(properties);
    }

    /** Link for people: {@code {url}/view/{issueKey}}; empty in dry-run. */
    public Optional<String> issueUrl(String issueKey) {
        return configured() && issueKey != null ? Optional.of(properties.url() + "/view/" + issueKey) : Optional.empty();
    }

    /**
     * {@code POST /api/v2/issues}.
     *
     * @return the created issue; empty in dry-run
     * @throws TransientFailureException 429 (with retryAfter), 5xx, I/O error
     * @throws PermanentFailureException any other 4xx
     */
    public Optional<BacklogIssue> createIssue(String summary, String description) {
        return createIssue(BacklogTarget.of(properties), summary, description);
    }

    /** {@code POST /api/v2/issues} into the given project, with its issue type and priority. */
    public Optional<BacklogIssue> createIssue(BacklogTarget target, String summary, String description) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("projectId", String.valueOf(target.projectId()));
        form.add("summary", summary);
        form.add("issueTypeId", String.valueOf(target.issueTypeId()));
        form.add("priorityId", String.valueOf(target.priorityId()));
        form.add("description", description);
        if (!configured()) {
            DryRun.log("backlog", "POST /api/v2/issues", form.toString());
            return Optional.empty();
        }
        JsonNode issue = send(HttpMethod.POST, "/api/v2/issues", Map.of(), Map.of(), form);
        return Optional.of(issue(issue));
    }

    /** {@code POST /api/v2/issues/{issueKey}/comments}. */
    public void addComment(String issueKey, String content) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("content", content);
        if (!configured()) {
            DryRun.log("backlog", "POST /api/v2/issues/" + issueKey + "/comments", form.toString());
            return;
        }
        send(HttpMethod.POST, "/api/v2/issues/{issueKey}/comments", Map.of("issueKey", issueKey), Map.of(), form);
    }

    /** {@code PATCH /api/v2/issues/{issueKey}} with {@code statusId=4} and the comment, in one call. */
    public void closeIssue(String issueKey, String comment) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("statusId", CLOSED_STATUS_ID);
        form.add("comment", comment);
        if (!configured()) {
            DryRun.log("backlog", "PATCH /api/v2/issues/" + issueKey, form.toString());
            return;
        }
        send(HttpMethod.PATCH, "/api/v2/issues/{issueKey}", Map.of("issueKey", issueKey), Map.of(), form);
    }

    /**
     * Issues of the project that are not closed and match {@code keyword} in Backlog's full-text
     * sense (not exact: callers re-check). Up to 100, the API's maximum page.
     */
    public List<BacklogIssue> findOpenIssues(String keyword) {
        return findOpenIssues(properties.projectId(), keyword);
    }

    /** Like {@link #findOpenIssues(String)}, in the given project. */
    public List<BacklogIssue> findOpenIssues(Long projectId, String keyword) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("projectId[]", List.of(String.valueOf(projectId)));
        query.put("keyword", List.of(keyword));
        query.put("statusId[]", OPEN_STATUS_IDS);
        query.put("count", List.of("100"));
        if (!configured()) {
            DryRun.log("backlog", "GET /api/v2/issues", query.toString());
            return List.of();
        }
        JsonNode answer = send(HttpMethod.GET, "/api/v2/issues", Map.of(), query, null);
        List<BacklogIssue> issues = new ArrayList<>();
        if (answer != null && answer.isArray()) {
            answer.forEach(node -> issues.add(issue(node)));
        }
        return issues;
    }

    private JsonNode send(HttpMethod method, String path, Map<String, String> pathVariables,
            Map<String, List<String>> query, MultiValueMap<String, String> form) {
        String call = method + " " + path;
        var uriBuilder = UriComponentsBuilder.fromUriString(properties.url()).path(path);
        Map<String, Object> variables = new LinkedHashMap<>(pathVariables);
        variables.put("apiKey", properties.apiKey());
        uriBuilder.queryParam("apiKey", "{apiKey}");
        int n = 0;
        for (var entry : query.entrySet()) {
            for (String value : entry.getValue()) {
                String name = "q" + n++;
                uriBuilder.queryParam(entry.getKey(), "{" + name + "}");
                variables.put(name, value);
            }
        }
        URI uri = uriBuilder.encode().buildAndExpand(variables).toUri();

        Answer answer;
        try {
            var request = http.obtain().method(method).uri(uri);
            if (form != null) {
                request.contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form);
            }
            answer = request.exchange((req, response) -> new Answer(response.getStatusCode().value(),
                    response.getHeaders().getFirst("X-RateLimit-Reset"),
                    new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)));
        } catch (ResourceAccessException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof java.net.ConnectException) {
                throw new RequestNotProcessedException("Backlog " + call + " could not connect: "
                        + cause.getClass().getSimpleName(), null);
            }
            throw new TransientFailureException("Backlog " + call + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + scrub(cause.getMessage())), (Duration) null);
        }
        LOG.debug("Backlog {} answered {}", call, answer.status());
        if (answer.status() / 100 == 2) {
            return answer.body().isBlank() ? null : parse(call, answer.body());
        }
        String message = "Backlog " + call + " answered " + answer.status() + errorText(answer.body());
        if (answer.status() == 429) {
            throw new RequestNotProcessedException(message, retryAfter(answer.rateLimitReset()));
        }
        if (answer.status() == 503) {
            throw new RequestNotProcessedException(message, null);
        }
        if (answer.status() / 100 == 5) {
            throw new TransientFailureException(message, (Duration) null);
        }
        throw new PermanentFailureException("http_" + answer.status(), message);
    }

    private Duration retryAfter(String reset) {
        if (reset != null) {
            try {
                Duration wait = Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(reset.trim())));
                return wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
            } catch (NumberFormatException e) {
                return DEFAULT_RATE_LIMIT_WAIT;
            }
        }
        return DEFAULT_RATE_LIMIT_WAIT;
    }

    private String errorText(String body) {
        try {
            JsonNode errors = mapper.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                JsonNode first = errors.get(0);
                return ": " + scrub(first.path("message").asText("")) + " (code " + first.path("code").asText("?") + ")";
            }
        } catch (IOException | RuntimeException e) {
            // not Backlog's error shape: the status says enough
        }
        return "";
    }

    private JsonNode parse(String call, String body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            throw new TransientFailureException("Backlog " + call + " answered a body that is not JSON", (Duration) null);
        }
    }

    private String scrub(String text) {
        String masked = Secrets.mask(text);
        return properties.apiKey() == null ? masked : masked.replace(properties.apiKey(), "***");
    }

    private static BacklogIssue issue(JsonNode node) {
        return new BacklogIssue(node.path("id").asLong(), node.path("issueKey").asText(null),
                node.path("summary").asText(null), node.path("description").asText(null));
    }

    private record Answer(int status, String rateLimitReset, String body) {
    }
}
