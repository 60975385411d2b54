package io.chatopshub.automation;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.util.UriUtils;

import io.chatopshub.system.DryRun;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.Secrets;
import io.chatopshub.system.TransientFailureException;

/**
 * Starts and watches Azure Automation jobs through the ARM REST API.
 *
 * <p>Calls go through one camel-http endpoint. The Entra ID token (client credentials) is fetched
 * through the same endpoint and kept for this client until {@code token-renew-before} ahead of
 * its expiry, so any number of jobs share one token. camel-http's own OAuth2 cache is not used:
 * it keys tokens by request URL, which made every new job fetch a token of its own, and
 * azure-identity's credential (MSAL) accepts only https authorities, so it could not be tested
 * against a local stand-in for Entra ID. The HTTP client's own retries are off: a 429 or 5xx surfaces at once as a
 * {@link TransientFailureException}, and the worker route decides when to try again instead of a
 * thread sleeping through {@code Retry-After}.
 *
 * <p>Without credentials every call is logged as DRY-RUN: a started job reports {@code New},
 * and a polled one {@code Completed} with no output, so the Slack side can be tried end to end
 * with no Azure account.
 */
public class AzureAutomationClient implements AutoCloseable {

    static final String INTEGRATION = "azure-automation";
    static final String SCOPE = "https://management.azure.com/.default";

    private static final Logger LOG = LoggerFactory.getLogger(AzureAutomationClient.class);

    private final AzureProperties properties;
    private final CamelContext camelContext;
    private final Clock clock;
    private final ParameterSecrets secrets;
    private final ObjectMapper json = new ObjectMapper();
    /**
     * Without credentials: the jobs this hub pretended to start, so that a poll reports their
     * times and a Cancel, as Azure would. Dropped at the poll that ends them; bounded, since only
     * a hub trying things out keeps any.
     */
    private final Map<String, DryRunJob> dryRunJobs = new ConcurrentHashMap<>();
    private static final int DRY_RUN_JOBS_KEPT = 1_000;

    private record DryRunJob(Instant created, boolean stopped) {
    }
    private Endpoint endpoint;
    private ProducerTemplate template;
    private String token;
    private Instant renewTokenAt;

    public AzureAutomationClient(AzureProperties properties, CamelContext camelContext) {
        this(properties, camelContext, new ParameterSecrets(properties), Clock.systemUTC());
    }

    AzureAutomationClient(AzureProperties properties, CamelContext camelContext, Clock clock) {
        this(properties, camelContext, new ParameterSecrets(properties), clock);
    }

    AzureAutomationClient(AzureProperties properties, CamelContext camelContext, ParameterSecrets secrets, Clock clock) {
        this.properties = properties;
        this.camelContext = camelContext;
        this.secrets = secrets;
        this.clock = clock;
    }

    public boolean isConfigured() {
        return properties.isConfigured();
    }

    /**
     * Creates job {@code jobName} running {@code runbook}. Putting a name that already exists
     * returns that job instead of starting another one.
     *
     * Sealed secret values (see {@link ParameterSecrets}) are opened here, for the request body
     * alone.
     *
     * @throws PermanentFailureException when credentials, permissions or names are wrong, or a
     *         secret value cannot be opened
     * @throws TransientFailureException when Azure is busy or unreachable; retry later
     */
    public AutomationJob startJob(String jobName, String runbook, Map<String, String> parameters) {
        ObjectNode body = json.createObjectNode();
        ObjectNode props = body.putObject("properties");
        props.putObject("runbook").put("name", runbook);
        props.putObject("parameters");
        props.put("runOn", "");
        String url = jobUrl(jobName, "");
        if (isConfigured()) {
            ObjectNode params = (ObjectNode) props.get("parameters");
            secrets.reveal(parameters).forEach(params::put);
        } else {
            ObjectNode shown = body.deepCopy();
            ObjectNode shownParams = ((ObjectNode) shown.get("properties")).putObject("parameters");
            ParameterMasking.mask(parameters == null ? Map.of() : parameters).forEach(shownParams::put);
            DryRun.log(INTEGRATION, "PUT " + url, shown.toString());
            Instant created = clock.instant();
            if (dryRunJobs.size() < DRY_RUN_JOBS_KEPT) {
                dryRunJobs.putIfAbsent(jobName, new DryRunJob(created, false));
            }
            return AutomationJob.dryRun(jobName, JobStatus.NEW, created, null);
        }
        String request = body.toString();
        Response response = call("PUT", url, request, "application/json");
        if (response.status() == 409) {
            LOG.info("Job {} already exists; reading it instead of starting another", jobName);
            return getJob(jobName);
        }
        if (response.status() == 404) {
            throw new PermanentFailureException("azure_not_found", "Runbook '" + runbook
                    + "' or automation account '" + properties.automationAccount() + "' in resource group '"
                    + properties.resourceGroup() + "' was not found (HTTP 404)" + azureReason(response));
        }
        failUnlessSuccess(response, "start runbook '" + runbook + "'");
        return parseJob(jobName, response.body());
    }

    /**
     * Asks Azure to stop {@code jobName}; it then goes Stopping, then Stopped. Asking again for a
     * job that is stopping or ended does no harm.
     *
     * @throws PermanentFailureException when the job does not exist or access is refused
     * @throws TransientFailureException when Azure is busy or unreachable
     */
    public void stopJob(String jobName) {
        String url = jobUrl(jobName, "/stop");
        if (!isConfigured()) {
            DryRun.log(INTEGRATION, "POST " + url, "");
            dryRunJobs.computeIfPresent(jobName, (name, job) -> new DryRunJob(job.created(), true));
            return;
        }
        Response response = call("POST", url, "", "application/json");
        notFoundIsPermanent(response, jobName);
        failUnlessSuccess(response, "stop job " + jobName);
    }

    /**
     * Reads the current state of {@code jobName}.
     *
     * @throws PermanentFailureException when the job does not exist or access is refused
     * @throws TransientFailureException when Azure is busy or unreachable
     */
    public AutomationJob getJob(String jobName) {
        String url = jobUrl(jobName, "");
        if (!isConfigured()) {
            DryRun.log(INTEGRATION, "GET " + url, "");
            // the job ends at its first poll: Stopped when Cancel asked for it, else Completed
            DryRunJob job = dryRunJobs.remove(jobName);
            JobStatus status = job != null && job.stopped() ? JobStatus.STOPPED : JobStatus.COMPLETED;
            return job == null ? AutomationJob.dryRun(jobName, status, null, null)
                    : AutomationJob.dryRun(jobName, status, job.created(), clock.instant());
        }
        Response response = call("GET", url, null, "application/json");
        notFoundIsPermanent(response, jobName);
        failUnlessSuccess(response, "read job " + jobName);
        return parseJob(jobName, response.body());
    }

    /**
     * The job's Output stream as text, empty when it wrote none.
     *
     * @throws PermanentFailureException when the job does not exist or access is refused
     * @throws TransientFailureException when Azure is busy or unreachable
     */
    public String getOutput(String jobName) {
        String url = jobUrl(jobName, "/output");
        if (!isConfigured()) {
            DryRun.log(INTEGRATION, "GET " + url, "");
            return "";
        }
        Response response = call("GET", url, null, "text/plain");
        notFoundIsPermanent(response, jobName);
        failUnlessSuccess(response, "read the output of job " + jobName);
        return response.body() == null ? "" : response.body();
    }

    String jobUrl(String jobName, String suffix) {
        return properties.managementUrl()
                + "/subscriptions/" + segment(properties.subscriptionId(), "{subscription-id}")
                + "/resourceGroups/" + segment(properties.resourceGroup(), "{resource-group}")
                + "/providers/Microsoft.Automation/automationAccounts/"
                + segment(properties.automationAccount(), "{automation-account}")
                + "/jobs/" + segment(jobName, "{job-name}") + suffix
                + "?api-version=" + URLEncoder.encode(properties.apiVersion(), StandardCharsets.UTF_8);
    }

    private static String segment(String value, String placeholder) {
        return value == null || value.isBlank() ? placeholder : UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
    }

    private record Response(int status, String body, String retryAfter) {
    }

    private Response call(String method, String url, String body, String accept) {
        Endpoint target = endpoint();
        String bearer = accessToken();
        LOG.debug("Azure Automation {} {}", method, url);
        Exchange exchange = template.send(target, ex -> {
            ex.getMessage().setHeader(Exchange.HTTP_METHOD, method);
            ex.getMessage().setHeader(Exchange.HTTP_URI, url);
            ex.getMessage().setHeader("Accept", accept);
            ex.getMessage().setHeader("Authorization", "Bearer " + bearer);
            if (body != null) {
                ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                ex.getMessage().setBody(body);
            }
        });
        if (exchange.getException() != null) {
            throw translate(exchange.getException(), method);
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status == 401) {
            forgetToken(bearer);
        }
        return new Response(status == null ? 0 : status, exchange.getMessage().getBody(String.class),
                exchange.getMessage().getHeader("Retry-After", String.class));
    }

    /**
     * The cached Entra ID token, fetched anew when it is within {@code token-renew-before} of its
     * expiry (or half its lifetime, for tokens shorter than that). Callers wait for one fetch
     * rather than each fetching their own.
     */
    private synchronized String accessToken() {
        Instant now = clock.instant();
        if (token != null && now.isBefore(renewTokenAt)) {
            return token;
        }
        String tokenUrl = properties.loginUrl() + "/"
                + UriUtils.encodePathSegment(properties.tenantId(), StandardCharsets.UTF_8) + "/oauth2/v2.0/token";
        String form = "grant_type=client_credentials&client_id=" + form(properties.clientId())
                + "&client_secret=" + form(properties.clientSecret()) + "&scope=" + form(SCOPE);
        Endpoint target = endpoint();
        Exchange exchange = template.send(target, ex -> {
            ex.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            ex.getMessage().setHeader(Exchange.HTTP_URI, tokenUrl);
            ex.getMessage().setHeader("Accept", "application/json");
            ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
            ex.getMessage().setBody(form);
        });
        if (exchange.getException() != null) {
            throw new TransientFailureException("Entra ID token request failed: "
                    + exchange.getException().getClass().getSimpleName(), exchange.getException());
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code == null ? 0 : code;
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            throw new PermanentFailureException("azure_credentials", "Entra ID refused the client "
                    + "credentials for tenant '" + properties.tenantId() + "' (HTTP " + status
                    + "): check chatops.azure.tenant-id, client-id and client-secret, and that the "
                    + "secret has not expired");
        }
        if (status < 200 || status >= 300) {
            throw new TransientFailureException("Entra ID token request failed (HTTP " + status + ")",
                    retryAfter(exchange.getMessage().getHeader("Retry-After", String.class)));
        }
        try {
            JsonNode answer = json.readTree(exchange.getMessage().getBody(String.class));
            String accessToken = answer.path("access_token").asText("");
            long lifetime = answer.path("expires_in").asLong(0);
            if (accessToken.isEmpty() || lifetime <= 0) {
                throw new TransientFailureException("Entra ID answered without access_token or expires_in",
                        (Duration) null);
            }
            long margin = Math.min(properties.tokenRenewBefore().toSeconds(), lifetime / 2);
            token = accessToken;
            renewTokenAt = now.plusSeconds(lifetime - margin);
            LOG.debug("Entra ID token for client {} fetched; renewed after {}", properties.clientId(), renewTokenAt);
            return token;
        } catch (JsonProcessingException e) {
            throw new TransientFailureException("Entra ID answered with a token that is not JSON", e);
        }
    }

    private synchronized void forgetToken(String rejected) {
        if (rejected.equals(token)) {
            token = null;
        }
    }

    private synchronized Endpoint endpoint() {
        if (endpoint == null) {
            String base = properties.managementUrl();
            Map<String, Object> options = new HashMap<>();
            options.put("throwExceptionOnFailure", false);
            options.put("clientBuilder", HttpClientBuilder.create().disableAutomaticRetries());
            options.put("connectTimeout", Timeout.ofSeconds(10));
            options.put("connectionRequestTimeout", Timeout.ofSeconds(10));
            options.put("responseTimeout", Timeout.ofSeconds(60));
            try {
                Endpoint created = camelContext.getComponent(URI.create(base).getScheme())
                        .createEndpoint(base, options);
                ServiceHelper.startService(created);
                template = camelContext.createProducerTemplate();
                endpoint = created;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot set up the HTTP endpoint for " + base + ": "
                        + Secrets.mask(e.getMessage()), e);
            }
        }
        return endpoint;
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private RuntimeException translate(Exception e, String method) {
        return new TransientFailureException("Azure Automation " + method + " failed: "
                + e.getClass().getSimpleName() + ": " + Secrets.mask(String.valueOf(e.getMessage())), e);
    }

    private void notFoundIsPermanent(Response response, String jobName) {
        if (response.status() == 404) {
            throw new PermanentFailureException("azure_job_not_found", "Job " + jobName + " was not found in "
                    + "automation account '" + properties.automationAccount() + "' (HTTP 404)" + azureReason(response));
        }
    }

    private void failUnlessSuccess(Response response, String what) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return;
        }
        if (status == 401) {
            throw new PermanentFailureException("azure_unauthorized", "Azure did not accept the access token to "
                    + what + " (HTTP 401): check that the app registration belongs to tenant '"
                    + properties.tenantId() + "'" + azureReason(response));
        }
        if (status == 403) {
            throw new PermanentFailureException("azure_forbidden", "The app registration may not " + what
                    + " in automation account '" + properties.automationAccount() + "' (HTTP 403): give it a role "
                    + "such as Automation Operator on the account" + azureReason(response));
        }
        if (status == 408 || status == 429 || status >= 500 || status == 0) {
            throw new TransientFailureException("Azure Automation could not " + what + " (HTTP " + status + ")"
                    + azureReason(response), retryAfter(response.retryAfter()));
        }
        throw new PermanentFailureException("http_" + status, "Azure Automation refused to " + what
                + " (HTTP " + status + ")" + azureReason(response));
    }

    /** ARM wraps errors as {"error":{"code","message"}}; older Automation answers drop the wrapper. */
    private String azureReason(Response response) {
        if (response.body() == null || response.body().isBlank()) {
            return "";
        }
        try {
            JsonNode root = json.readTree(response.body());
            JsonNode error = root.has("error") ? root.get("error") : root;
            String code = error.path("code").asText("");
            String message = error.path("message").asText("");
            if (code.isEmpty() && message.isEmpty()) {
                return "";
            }
            return ": " + Secrets.mask((code + " " + message).strip());
        } catch (JsonProcessingException e) {
            return "";
        }
    }

    Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private AutomationJob parseJob(String jobName, String body) {
        try {
            JsonNode props = json.readTree(body == null ? "{}" : body).path("properties");
            String statusText = text(props, "status");
            return new AutomationJob(jobName, JobStatus.of(statusText), statusText, text(props, "provisioningState"),
                    time(props, "creationTime"), time(props, "startTime"), time(props, "endTime"),
                    text(props, "exception"), false);
        } catch (JsonProcessingException e) {
            throw new TransientFailureException("Azure Automation answered with a job that is not JSON", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant time(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (endpoint != null) {
            ServiceHelper.stopService(template, endpoint);
            endpoint = null;
            template = null;
        }
    }
}
