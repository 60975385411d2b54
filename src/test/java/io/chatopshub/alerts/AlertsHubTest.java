package io.chatopshub.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.chatopshub.HubIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole hub with the alert pipelines, WireMock standing in for Backlog and for SNS (signing
 * certificates, subscription confirmations) besides Slack. Durations are short: a window of one
 * second, digests updated every two. Classes that change the configuration close their hub
 * afterwards ({@code @DirtiesContext}); the others share one.
 */
public abstract class AlertsHubTest extends HubIntegrationTest {

    public static final String MACKEREL_TOKEN = "mk-hook-token-0123456789abcdef";
    public static final String BACKLOG_KEY = "bLgK3yTest0123456789abcdefXYZ";
    public static final String TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:chatops-alarms";
    public static final String BILLING_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:billing-alarms";
    public static final String CHANNEL = "CALERTS";

    protected static final WireMockServer backlogApi = new WireMockServer(options().dynamicPort());
    protected static final WireMockServer snsApi = new WireMockServer(options().dynamicPort());

    static {
        backlogApi.start();
        snsApi.start();
    }

    @DynamicPropertySource
    static void alertProperties(DynamicPropertyRegistry registry) {
        registry.add("chatops.mackerel.webhook-token", () -> MACKEREL_TOKEN);
        registry.add("chatops.backlog.url", backlogApi::baseUrl);
        registry.add("chatops.backlog.api-key", () -> BACKLOG_KEY);
        registry.add("chatops.backlog.project-id", () -> "10");
        registry.add("chatops.backlog.issue-type-id", () -> "20");
        registry.add("chatops.backlog.priority-id", () -> "3");
        registry.add("chatops.alerts.group-wait", () -> "1s");
        registry.add("chatops.alerts.group-interval", () -> "2s");
        registry.add("chatops.alerts.group-threshold", () -> "5");
        registry.add("chatops.cloudwatch.topic-arns[0]", () -> TOPIC);
        registry.add("chatops.cloudwatch.topic-arns[1]", () -> BILLING_TOPIC);
        registry.add("camel.main.routes-include-pattern",
                () -> "file:routes/**/*.camel.yaml,file:src/test/resources/alert-test-routes/*.camel.yaml");
        registry.add("chatops.cloudwatch.sns-url-pattern", () -> "^" + Pattern.quote(snsApi.baseUrl() + "/"));
    }

    @BeforeEach
    void alertStubs() {
        slackApi.stubFor(WireMock.post(urlPathMatching("/api/chat\\.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withTransformers("response-template")
                .withBody("{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"{{randomValue length=9 type='NUMERIC'}}.000100\"}")));
        backlogApi.resetAll();
        backlogApi.stubFor(get(urlPathEqualTo("/api/v2/issues")).willReturn(okJson("[]")));
        backlogApi.stubFor(WireMock.post(urlPathEqualTo("/api/v2/issues")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withTransformers("response-template")
                .withBody("{\"id\":1{{randomValue length=6 type='NUMERIC'}},\"issueKey\":\"OPS-{{randomValue length=6 type='NUMERIC'}}\","
                        + "\"summary\":\"s\",\"description\":\"d\"}")));
        backlogApi.stubFor(WireMock.post(urlPathMatching("/api/v2/issues/[^/]+/comments"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":5}")));
        backlogApi.stubFor(patch(urlPathMatching("/api/v2/issues/[^/]+"))
                .willReturn(okJson("{\"id\":1001}")));
        snsApi.resetAll();
    }

    protected HttpResponse<String> postMackerel(String body, String token) throws IOException, InterruptedException {
        return post("/hooks/mackerel" + (token == null ? "" : "?token=" + token), "application/json", body, Map.of());
    }

    public static String resource(String path) {
        try (InputStream in = AlertsHubTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Mackerel payload from the test resources with another alert id, so tests do not share incidents. */
    public static String mackerel(String file, String alertId) {
        String body = resource("/mackerel/" + file);
        return alertId == null ? body : body.replaceAll("4g[A-Za-z0-9]{9}", alertId);
    }

    /** Requests to one Slack method, oldest first. */
    protected static List<LoggedRequest> slack(String method) {
        return slackApi.findAll(postRequestedFor(urlPathEqualTo("/api/" + method))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    /**
     * Slack requests of one method whose form fields match, oldest first; the {@code ts} Slack
     * answered is added as {@code answer.ts}.
     */
    protected static List<Map<String, String>> slack(String method, java.util.function.Predicate<Map<String, String>> filter) {
        return slackApi.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/api/" + method))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> {
                    Map<String, String> fields = form(e.getRequest());
                    var answer = io.chatopshub.system.Json.readObject(e.getResponse().getBodyAsString());
                    if (answer.hasNonNull("ts")) {
                        fields.put("answer.ts", answer.get("ts").asText());
                    }
                    return fields;
                })
                .filter(filter).toList();
    }

    /** Backlog requests of one method and path, oldest first, with the form fields of their bodies. */
    protected static List<LoggedRequest> backlog(com.github.tomakehurst.wiremock.http.RequestMethod method, String pathRegex) {
        return backlogApi.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getMethod().equals(method) && r.getUrl().replaceAll("\\?.*", "").matches(pathRegex))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).map(r -> (LoggedRequest) r).toList();
    }

    /** The form fields of a request Slack's SDK sent. */
    protected static Map<String, String> form(LoggedRequest request) {
        return formOf(request.getBodyAsString());
    }

    /** Decodes an {@code application/x-www-form-urlencoded} body. */
    public static Map<String, String> formOf(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }
}
