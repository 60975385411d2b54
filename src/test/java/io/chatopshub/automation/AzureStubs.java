package io.chatopshub.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Entra ID and Azure Automation as WireMock servers, with the settings that point a hub at them
 * and a few runbooks whose permissions the tests exercise. Public for the scale-out test, which
 * points two hub processes at them. As a JUnit extension ({@code @RegisterExtension static}) the
 * stubs are laid afresh before each test and the servers stopped after the class.
 */
public final class AzureStubs implements BeforeEachCallback, AfterAllCallback {

    public static final String TENANT = "11111111-2222-3333-4444-555555555555";
    public static final String CLIENT_SECRET = "client-secret-value";
    public static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOi.test.token";
    public static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    public static final String JOBS = "/subscriptions/sub-1/resourceGroups/rg-ops/providers/"
            + "Microsoft.Automation/automationAccounts/aa-ops/jobs/";
    public static final String API = "?api-version=2023-11-01";
    public static final String OPS = "C0123456";
    public static final String OTHER = "C0OTHER";
    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "operator-password";

    public final WireMockServer entra = new WireMockServer(options().dynamicPort());
    public final WireMockServer arm = new WireMockServer(options().dynamicPort());

    public AzureStubs() {
        entra.start();
        arm.start();
    }

    /**
     * A runbook {@code Deploy-App} at {@code chatops.azure.runbooks[index]}, run in {@code channel},
     * whose parameter {@code Env} is required with the choices staging and prod (default staging),
     * then {@code Version}: the settings for a runbook's form and typed parameters.
     */
    public static Map<String, String> deployApp(int index, String channel) {
        String runbook = "chatops.azure.runbooks[" + index + "].";
        Map<String, String> p = new LinkedHashMap<>();
        p.put(runbook + "name", "Deploy-App");
        p.put(runbook + "channels[0]", channel);
        p.put(runbook + "parameters[0].name", "Env");
        p.put(runbook + "parameters[0].required", "true");
        p.put(runbook + "parameters[0].default", "staging");
        p.put(runbook + "parameters[0].choices[0]", "staging");
        p.put(runbook + "parameters[0].choices[1]", "prod");
        p.put(runbook + "parameters[1].name", "Version");
        return p;
    }

    /** The hub's azure settings; poll interval and approval timeout vary per test class. */
    public Map<String, String> properties(String pollInterval, String approvalTimeout) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("chatops.azure.login-url", entra.baseUrl());
        p.put("chatops.azure.management-url", arm.baseUrl());
        p.put("chatops.azure.tenant-id", TENANT);
        p.put("chatops.azure.client-id", "client-app");
        p.put("chatops.azure.client-secret", CLIENT_SECRET);
        p.put("chatops.azure.subscription-id", "sub-1");
        p.put("chatops.azure.resource-group", "rg-ops");
        p.put("chatops.azure.automation-account", "aa-ops");
        p.put("chatops.azure.poll-interval", pollInterval);
        p.put("chatops.azure.approval-timeout", approvalTimeout);
        p.put("chatops.azure.runbooks[0].name", "Restart-WebApp");
        p.put("chatops.azure.runbooks[0].channels[0]", OPS);
        p.put("chatops.azure.runbooks[0].parameters[0]", "AppName");
        p.put("chatops.azure.runbooks[0].parameters[1]", "Slot");
        p.put("chatops.azure.runbooks[1].name", "Rotate-Keys");
        p.put("chatops.azure.runbooks[1].channels[0]", OPS);
        p.put("chatops.azure.runbooks[1].users[0]", "U0ALICE");
        p.put("chatops.azure.runbooks[1].users[1]", "U0BOB");
        p.put("chatops.azure.runbooks[1].users[2]", "U0CAROL");
        p.put("chatops.azure.runbooks[1].approval", "true");
        p.put("chatops.azure.runbooks[2].name", "Clear-Cache");
        p.put("chatops.azure.runbooks[2].channels[0]", OTHER);
        p.put("spring.security.user.name", OPERATOR);
        p.put("spring.security.user.password", OPERATOR_PASSWORD);
        return p;
    }

    public void reset() {
        entra.resetAll();
        arm.resetAll();
        entra.stubFor(post(TOKEN_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\""
                        + ACCESS_TOKEN + "\"}")));
    }

    public static String jobUrl(String jobName) {
        return JOBS + jobName + API;
    }

    public static String outputUrl(String jobName) {
        return JOBS + jobName + "/output" + API;
    }

    public static String job(String name, String status) {
        boolean ended = status.equals("Completed") || status.equals("Failed") || status.equals("Stopped");
        return "{\"id\":\"/subscriptions/sub-1/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/"
                + "aa-ops/jobs/" + name + "\",\"name\":\"" + name + "\",\"type\":\"Microsoft.Automation/AutomationAccounts/Jobs\","
                + "\"properties\":{\"jobId\":\"5b8a3960-e8ab-45f6-bec6-567df8467d1a\",\"runbook\":{\"name\":\"Restart-WebApp\"},"
                + "\"provisioningState\":\"" + (ended ? "Succeeded" : "Processing") + "\","
                + "\"creationTime\":\"2024-05-01T09:59:58.1+00:00\","
                + "\"startTime\":" + (status.equals("New") ? "null" : "\"2024-05-01T10:00:03.25+00:00\"") + ","
                + "\"endTime\":" + (ended ? "\"2024-05-01T10:01:00+00:00\"" : "null") + ",\"exception\":null,"
                + "\"status\":\"" + status + "\",\"statusDetails\":\"None\",\"parameters\":{},\"runOn\":\"\"}}";
    }

    /** PUT creates the job as New; GETs walk through {@code statuses}, the last one repeating. */
    public void jobGoesThrough(String jobName, List<String> statuses, String output) {
        arm.stubFor(put(urlEqualTo(jobUrl(jobName))).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(job(jobName, "New"))));
        for (int i = 0; i < statuses.size(); i++) {
            String state = i == 0 ? Scenario.STARTED : "poll-" + i;
            var stub = get(urlEqualTo(jobUrl(jobName))).inScenario(jobName).whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody(job(jobName, statuses.get(i))));
            if (i + 1 < statuses.size()) {
                stub = stub.willSetStateTo("poll-" + (i + 1));
            }
            arm.stubFor(stub);
        }
        arm.stubFor(get(urlEqualTo(outputUrl(jobName))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8").withBody(output)));
    }

    /** Requests WireMock saw for {@code path}, oldest first. */
    public static List<ServeEvent> chronological(WireMockServer server, String path) {
        return server.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(path))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    public void stop() {
        entra.stop();
        arm.stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }
}
