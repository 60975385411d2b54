package io.chatopshub.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;

class AzureAutomationClientTests {

    private static final String TENANT = "11111111-2222-3333-4444-555555555555";
    private static final String SECRET = "s3cr+t/with=odd&chars~";
    private static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOi.fake.token";
    private static final String JOBS = "/subscriptions/sub-1/resourceGroups/rg-ops/providers/"
            + "Microsoft.Automation/automationAccounts/aa-ops/jobs/";
    private static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";

    private WireMockServer login;
    private WireMockServer arm;
    private DefaultCamelContext camel;
    private AzureAutomationClient client;

    @BeforeEach
    void start() {
        login = new WireMockServer(options().dynamicPort());
        arm = new WireMockServer(options().dynamicPort());
        login.start();
        arm.start();
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        camel.stop();
        login.stop();
        arm.stop();
    }

    private AzureAutomationClient client(Duration renewBefore) {
        return client(renewBefore, Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC));
    }

    private AzureAutomationClient client(Duration renewBefore, Clock clock) {
        AzureProperties properties = new AzureProperties(login.baseUrl() + "/", arm.baseUrl(), "2023-11-01",
                TENANT, "client-app", SECRET, "sub-1", "rg-ops", "aa-ops", Duration.ofSeconds(10),
                Duration.ofMinutes(30), renewBefore, List.of());
        client = new AzureAutomationClient(properties, camel, clock);
        return client;
    }

    /** A clock the test moves forward by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2024-05-01T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private void tokenExpiresIn(int seconds) {
        login.stubFor(post(TOKEN_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"token_type\":\"Bearer\",\"expires_in\":" + seconds + ",\"ext_expires_in\":" + seconds
                        + ",\"access_token\":\"" + ACCESS_TOKEN + "\"}")));
    }

    private static String job(String name, String status) {
        return "{\"id\":\"/subscriptions/sub-1/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/"
                + "aa-ops/jobs/" + name + "\",\"name\":\"" + name + "\",\"type\":\"Microsoft.Automation/AutomationAccounts/Jobs\","
                + "\"properties\":{\"jobId\":\"5b8a3960-e8ab-45f6-bec6-567df8467d1a\",\"runbook\":{\"name\":\"Restart-WebApp\"},"
                + "\"provisioningState\":\"Processing\",\"creationTime\":\"2024-05-01T09:59:58.1+00:00\","
                + "\"startTime\":\"2024-05-01T10:00:03.25+00:00\",\"endTime\":null,\"exception\":null,"
                + "\"status\":\"" + status + "\",\"statusDetails\":\"None\",\"parameters\":{},\"runOn\":\"\"}}";
    }

    @Test
    void startJobPutsTheRunbookAndParametersToTheJobNamedByTheHub() {
        tokenExpiresIn(3599);
        arm.stubFor(put(urlEqualTo(JOBS + "job-1?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(job("job-1", "New"))));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("Environment", "prod");
        parameters.put("Message", "hello world");

        AutomationJob job = client(Duration.ofMinutes(5)).startJob("job-1", "Restart-WebApp", parameters);

        assertThat(job.status()).isEqualTo(JobStatus.NEW);
        assertThat(job.dryRun()).isFalse();
        arm.verify(1, putRequestedFor(urlEqualTo(JOBS + "job-1?api-version=2023-11-01"))
                .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"properties\":{\"runbook\":{\"name\":\"Restart-WebApp\"},"
                        + "\"parameters\":{\"Environment\":\"prod\",\"Message\":\"hello world\"},\"runOn\":\"\"}}")));
        login.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH))
                .withHeader("Content-Type", com.github.tomakehurst.wiremock.client.WireMock.containing("application/x-www-form-urlencoded"))
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("client_id", equalTo("client-app"))
                .withFormParam("client_secret", equalTo(SECRET))
                .withFormParam("scope", equalTo("https://management.azure.com/.default")));
    }

    @Test
    void tokenIsFetchedOnceForRepeatedCallsAndRenewedShortlyBeforeItExpires() {
        tokenExpiresIn(60);
        arm.stubFor(get(urlEqualTo(JOBS + "job-2?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(200).withBody(job("job-2", "Running"))));
        ManualClock clock = new ManualClock();
        AzureAutomationClient azure = client(Duration.ofSeconds(10), clock);

        azure.getJob("job-2");
        clock.advance(Duration.ofSeconds(49));
        azure.getJob("job-2");
        azure.getJob("job-2");
        login.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));

        clock.advance(Duration.ofSeconds(1));
        azure.getJob("job-2");
        login.verify(2, postRequestedFor(urlEqualTo(TOKEN_PATH)));
        arm.verify(4, getRequestedFor(urlEqualTo(JOBS + "job-2?api-version=2023-11-01"))
                .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN)));
    }

    @Test
    void fourJobsStartedFollowedAndReadShareOneTokenRequest() {
        tokenExpiresIn(3599);
        AzureAutomationClient azure = client(Duration.ofMinutes(5), Clock.systemUTC());
        for (int i = 1; i <= 4; i++) {
            String name = "job-share-" + i;
            arm.stubFor(put(urlEqualTo(JOBS + name + "?api-version=2023-11-01")).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody(job(name, "New"))));
            arm.stubFor(get(urlEqualTo(JOBS + name + "?api-version=2023-11-01")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody(job(name, "Completed"))));
            arm.stubFor(get(urlEqualTo(JOBS + name + "/output?api-version=2023-11-01"))
                    .willReturn(aResponse().withStatus(200).withBody("done " + i)));
        }

        for (int i = 1; i <= 4; i++) {
            azure.startJob("job-share-" + i, "Restart-WebApp", Map.of("AppName", "web"));
            azure.getJob("job-share-" + i);
            assertThat(azure.getOutput("job-share-" + i)).isEqualTo("done " + i);
        }

        login.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));
        assertThat(arm.getAllServeEvents()).hasSize(12)
                .allSatisfy(e -> assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN));
    }

    @Test
    void aTokenAzureRejectsIsFetchedAnewForTheNextCall() {
        tokenExpiresIn(3599);
        arm.stubFor(get(urlEqualTo(JOBS + "job-3?api-version=2023-11-01")).willReturn(aResponse().withStatus(401)));
        AzureAutomationClient azure = client(Duration.ofMinutes(5));

        assertThatThrownBy(() -> azure.getJob("job-3")).isInstanceOf(PermanentFailureException.class);
        assertThatThrownBy(() -> azure.getJob("job-3")).isInstanceOf(PermanentFailureException.class);

        login.verify(2, postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    @Test
    void stopJobPostsToTheJobsStopEndpoint() {
        tokenExpiresIn(3599);
        arm.stubFor(post(urlEqualTo(JOBS + "job-4/stop?api-version=2023-11-01")).willReturn(aResponse().withStatus(200)));

        client(Duration.ofMinutes(5)).stopJob("job-4");

        arm.verify(1, postRequestedFor(urlEqualTo(JOBS + "job-4/stop?api-version=2023-11-01"))
                .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN)));
    }

    @Test
    void aSealedSecretIsOpenedOnlyInTheBodySentToAzure() {
        tokenExpiresIn(3599);
        arm.stubFor(put(urlEqualTo(JOBS + "job-5?api-version=2023-11-01")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(job("job-5", "New"))));
        AzureProperties properties = new AzureProperties(login.baseUrl(), arm.baseUrl(), "2023-11-01", TENANT,
                "client-app", SECRET, "sub-1", "rg-ops", "aa-ops", Duration.ofSeconds(10), Duration.ofMinutes(30),
                Duration.ofMinutes(5), List.of(), Duration.ofHours(24), List.of("pin"),
                java.util.Base64.getEncoder().encodeToString(new byte[32]));
        ParameterSecrets secrets = new ParameterSecrets(properties);
        client = new AzureAutomationClient(properties, camel, secrets, Clock.systemUTC());
        Map<String, String> sealed = secrets.seal(null, Map.of("pin", "4711"));
        assertThat(sealed.get("pin")).startsWith(ParameterSecrets.SEALED_PREFIX).doesNotContain("4711");

        client.startJob("job-5", "Restart-WebApp", sealed);

        arm.verify(1, putRequestedFor(urlEqualTo(JOBS + "job-5?api-version=2023-11-01"))
                .withRequestBody(equalToJson("{\"properties\":{\"runbook\":{\"name\":\"Restart-WebApp\"},"
                        + "\"parameters\":{\"pin\":\"4711\"},\"runOn\":\"\"}}")));
    }

    @Test
    void aSecretSealedByAnotherKeyIsRefusedForGoodWithoutReachingAzure() {
        tokenExpiresIn(3599);
        // another hub process without chatops.azure.parameter-key: a key of its own
        Map<String, String> sealedElsewhere = new ParameterSecrets(new AzureProperties(login.baseUrl(), arm.baseUrl(),
                "2023-11-01", TENANT, "client-app", SECRET, "sub-1", "rg-ops", "aa-ops", Duration.ofSeconds(10),
                Duration.ofMinutes(30), Duration.ofMinutes(5), List.of())).seal(null, Map.of("password", "hunter2"));
        AzureAutomationClient azure = client(Duration.ofMinutes(5));

        assertThatThrownBy(() -> azure.startJob("job-6b", "Restart-WebApp", sealedElsewhere))
                .isInstanceOfSatisfying(PermanentFailureException.class,
                        e -> assertThat(e.code()).isEqualTo("secret_unreadable"));
        assertThat(arm.getAllServeEvents()).isEmpty();
    }

    @Test
    void getJobReadsStatusProvisioningStateTimesAndException() {
        tokenExpiresIn(3599);
        arm.stubFor(get(urlEqualTo(JOBS + "job-3?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(200).withBody("{\"properties\":{\"status\":\"Failed\","
                        + "\"provisioningState\":\"Failed\",\"creationTime\":\"2024-05-01T09:59:58.1+00:00\","
                        + "\"startTime\":\"2024-05-01T10:00:03.25+00:00\",\"endTime\":\"2024-05-01T10:01:00+00:00\","
                        + "\"exception\":\"The term 'Restart-AzWebApp' is not recognized\"}}")));

        AutomationJob job = client(Duration.ofMinutes(5)).getJob("job-3");

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.provisioningState()).isEqualTo("Failed");
        assertThat(job.creationTime()).isEqualTo(Instant.parse("2024-05-01T09:59:58.100Z"));
        assertThat(job.startTime()).isEqualTo(Instant.parse("2024-05-01T10:00:03.250Z"));
        assertThat(job.endTime()).isEqualTo(Instant.parse("2024-05-01T10:01:00Z"));
        assertThat(job.exception()).isEqualTo("The term 'Restart-AzWebApp' is not recognized");
    }

    @Test
    void aStatusAzureAddsLaterIsKeptAsTextInsteadOfFailing() {
        tokenExpiresIn(3599);
        arm.stubFor(get(urlEqualTo(JOBS + "job-4?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(200).withBody(job("job-4", "Hibernating"))));

        AutomationJob job = client(Duration.ofMinutes(5)).getJob("job-4");

        assertThat(job.status()).isEqualTo(JobStatus.UNKNOWN);
        assertThat(job.statusText()).isEqualTo("Hibernating");
    }

    @Test
    void outputIsFetchedAsPlainText() {
        tokenExpiresIn(3599);
        arm.stubFor(get(urlEqualTo(JOBS + "job-5/output?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/plain")
                        .withBody("Restarting web-1\nweb-1 is running\n")));

        String output = client(Duration.ofMinutes(5)).getOutput("job-5");

        assertThat(output).isEqualTo("Restarting web-1\nweb-1 is running\n");
        arm.verify(getRequestedFor(urlEqualTo(JOBS + "job-5/output?api-version=2023-11-01"))
                .withHeader("Accept", equalTo("text/plain"))
                .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN)));
    }

    @Test
    void aJobNameThatAlreadyExistsReturnsTheExistingJobInsteadOfStartingAnother() {
        tokenExpiresIn(3599);
        arm.stubFor(put(urlEqualTo(JOBS + "job-6?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(409).withBody("{\"code\":\"Conflict\",\"message\":\"Job exists\"}")));
        arm.stubFor(get(urlEqualTo(JOBS + "job-6?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(200).withBody(job("job-6", "Running"))));

        AutomationJob job = client(Duration.ofMinutes(5)).startJob("job-6", "Restart-WebApp", Map.of());

        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        arm.verify(1, putRequestedFor(urlEqualTo(JOBS + "job-6?api-version=2023-11-01")));
        arm.verify(1, getRequestedFor(urlEqualTo(JOBS + "job-6?api-version=2023-11-01")));
    }

    @Test
    void unauthorizedIsPermanentAndPointsAtTheCredentials() {
        tokenExpiresIn(3599);
        arm.stubFor(get(urlEqualTo(JOBS + "job-7?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":{\"code\":\"InvalidAuthenticationToken\","
                        + "\"message\":\"The access token is invalid.\"}}")));

        assertThatThrownBy(() -> client(Duration.ofMinutes(5)).getJob("job-7"))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> {
                    assertThat(e.code()).isEqualTo("azure_unauthorized");
                    assertThat(e.getMessage()).contains("HTTP 401", "InvalidAuthenticationToken", TENANT)
                            .doesNotContain(ACCESS_TOKEN, SECRET);
                });
    }

    @Test
    void forbiddenIsPermanentAndNamesTheMissingRole() {
        tokenExpiresIn(3599);
        arm.stubFor(put(urlEqualTo(JOBS + "job-8?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(403).withBody("{\"error\":{\"code\":\"AuthorizationFailed\","
                        + "\"message\":\"The client does not have authorization to perform action\"}}")));

        assertThatThrownBy(() -> client(Duration.ofMinutes(5)).startJob("job-8", "Restart-WebApp", Map.of()))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> {
                    assertThat(e.code()).isEqualTo("azure_forbidden");
                    assertThat(e.getMessage()).contains("HTTP 403", "aa-ops", "Automation Operator", "AuthorizationFailed")
                            .doesNotContain(ACCESS_TOKEN, SECRET);
                });
    }

    @Test
    void notFoundOnStartSaysTheRunbookOrAccountIsMissing() {
        tokenExpiresIn(3599);
        arm.stubFor(put(urlEqualTo(JOBS + "job-9?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(404).withBody("{\"code\":\"NotFound\",\"message\":\"Runbook not found.\"}")));

        assertThatThrownBy(() -> client(Duration.ofMinutes(5)).startJob("job-9", "Restart-WebApp", Map.of()))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> {
                    assertThat(e.code()).isEqualTo("azure_not_found");
                    assertThat(e.getMessage()).contains("Restart-WebApp", "aa-ops", "rg-ops", "not found", "HTTP 404");
                });
    }

    @Test
    void throttlingIsTransientAndCarriesRetryAfter() {
        tokenExpiresIn(3599);
        arm.stubFor(get(urlEqualTo(JOBS + "job-10?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "17")));

        assertThatThrownBy(() -> client(Duration.ofMinutes(5)).getJob("job-10"))
                .isInstanceOfSatisfying(TransientFailureException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(17)));
        arm.verify(1, getRequestedFor(urlEqualTo(JOBS + "job-10?api-version=2023-11-01")));
    }

    @Test
    void retryAfterAsHttpDateIsMeasuredFromNow() {
        AzureAutomationClient azure = client(Duration.ofMinutes(5));

        assertThat(azure.retryAfter("Wed, 01 May 2024 10:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
        assertThat(azure.retryAfter("Wed, 01 May 2024 09:00:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(azure.retryAfter("soon")).isNull();
    }

    @Test
    void serverErrorIsTransientWithoutRetryAfter() {
        tokenExpiresIn(3599);
        arm.stubFor(get(urlEqualTo(JOBS + "job-11/output?api-version=2023-11-01"))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"code\":\"InternalServerError\",\"message\":\"oops\"}}")));

        assertThatThrownBy(() -> client(Duration.ofMinutes(5)).getOutput("job-11"))
                .isInstanceOfSatisfying(TransientFailureException.class, e -> {
                    assertThat(e.retryAfter()).isEmpty();
                    assertThat(e.getMessage()).contains("HTTP 500");
                });
    }

    @Test
    void refusedClientCredentialsArePermanentAndNeverShowTheSecret() {
        login.stubFor(post(TOKEN_PATH).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}")));

        assertThatThrownBy(() -> client(Duration.ofMinutes(5)).getJob("job-12"))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> {
                    assertThat(e.code()).isEqualTo("azure_credentials");
                    assertThat(e.getMessage()).contains("HTTP 401", "client-secret").doesNotContain(SECRET);
                });
        assertThat(arm.getAllServeEvents()).isEmpty();
        login.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    @Test
    void unavailableTokenEndpointIsTransient() {
        login.stubFor(post(TOKEN_PATH).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> client(Duration.ofMinutes(5)).getJob("job-13"))
                .isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("HTTP 503");
        login.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH)));
    }

    @Test
    void unreachableAzureIsTransient() {
        tokenExpiresIn(3599);
        AzureAutomationClient azure = client(Duration.ofMinutes(5));
        arm.stop();

        assertThatThrownBy(() -> azure.getJob("job-14")).isInstanceOf(TransientFailureException.class);
    }

    @Test
    void withoutCredentialsNothingIsSentAndTheJobIsADryRun() {
        AzureProperties properties = new AzureProperties(login.baseUrl(), arm.baseUrl(), "2023-11-01",
                null, null, null, null, null, null, Duration.ofSeconds(10), Duration.ofMinutes(30),
                Duration.ofMinutes(5), List.of());
        client = new AzureAutomationClient(properties, camel);

        AutomationJob started = client.startJob("job-15", "Restart-WebApp", Map.of("password", "hunter2"));
        AutomationJob polled = client.getJob("job-15");

        assertThat(started.dryRun()).isTrue();
        assertThat(started.status()).isEqualTo(JobStatus.NEW);
        assertThat(polled.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(client.getOutput("job-15")).isEmpty();
        assertThat(login.getAllServeEvents()).isEmpty();
        assertThat(arm.getAllServeEvents()).isEmpty();
    }

    /** A dry run ends its jobs as Azure would end them: with their times, and Stopped after a Cancel. */
    @Test
    void aDryRunJobHasItsTimesAndEndsStoppedWhenStopped() {
        AzureProperties properties = new AzureProperties(login.baseUrl(), arm.baseUrl(), "2023-11-01",
                null, null, null, null, null, null, Duration.ofSeconds(10), Duration.ofMinutes(30),
                Duration.ofMinutes(5), List.of());
        var clock = new io.chatopshub.testing.MutableClock(java.time.Instant.parse("2026-12-07T10:00:00Z"));
        client = new AzureAutomationClient(properties, camel, clock);

        AutomationJob started = client.startJob("job-18", "Restart-WebApp", Map.of());
        client.startJob("job-19", "Restart-WebApp", Map.of());
        clock.advance(Duration.ofSeconds(42));
        client.stopJob("job-19");
        AutomationJob completed = client.getJob("job-18");
        AutomationJob stopped = client.getJob("job-19");

        assertThat(started.creationTime()).isEqualTo("2026-12-07T10:00:00Z");
        assertThat(completed.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(completed.startTime()).isEqualTo("2026-12-07T10:00:00Z");
        assertThat(completed.endTime()).isEqualTo("2026-12-07T10:00:42Z");
        assertThat(stopped.status()).isEqualTo(JobStatus.STOPPED);
        assertThat(stopped.endTime()).isEqualTo("2026-12-07T10:00:42Z");
        assertThat(arm.getAllServeEvents()).isEmpty();
    }

    @Test
    void pathSegmentsAreEncoded() {
        AzureProperties properties = new AzureProperties(login.baseUrl(), arm.baseUrl(), "2023-11-01",
                TENANT, "client-app", SECRET, "sub-1", "rg ops(1)", "aa-ops", Duration.ofSeconds(10),
                Duration.ofMinutes(30), Duration.ofMinutes(5), List.of());
        client = new AzureAutomationClient(properties, camel);

        assertThat(client.jobUrl("job-16", "/output")).isEqualTo(arm.baseUrl()
                + "/subscriptions/sub-1/resourceGroups/rg%20ops(1)/providers/Microsoft.Automation/"
                + "automationAccounts/aa-ops/jobs/job-16/output?api-version=2023-11-01");
    }

}
