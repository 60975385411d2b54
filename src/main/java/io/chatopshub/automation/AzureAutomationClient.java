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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Calls go through one camel-http endpoint whose OAuth2 support fetches the Entra ID token
 * with client credentials and caches it until {@code token-renew-before} ahead of its expiry.
 * camel-http keys that cache by request URL, so calls for the same job share a token while a new
 * job's first call fetches one; Entra ID is built for that rate. camel-http writes the token
 * request body without URL-encoding it, so the client id, secret and scope are handed over
 * already encoded. The HTTP client's own retries are off: a 429 or 5xx surfaces at once as a
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
    private static final Pattern TOKEN_STATUS = Pattern.compile("token request with Status Code: (\\d{3})");

    private final AzureProperties properties;
    private final CamelContext camelContext;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private Endpoint endpoint;
    private ProducerTemplate template;

    public AzureAutomationClient(AzureProperties properties, CamelContext camelContext) {
        this(properties, camelContext, Clock.systemUTC());
    }

    AzureAutomationClient(AzureProperties properties, CamelContext camelContext, Clock clock) {
        this.properties = properties;
        this.camelContext = camelContext;
        this.clock = clock;
    }

    public boolean isConfigured() {
        return properties.isConfigured();
    }

    /**
     * Creates job {@code jobName} running {@code runbook}. Putting a name that already exists
     * returns that job instead of starting another one.
     *
     * @throws PermanentFailureException when credentials, permissions or names are wrong
     * @throws TransientFailureException when Azure is busy or unreachable; retry later
     */
    public AutomationJob startJob(String jobName, String runbook, Map<String, String> parameters) {
        ObjectNode body = json.createObjectNode();
        ObjectNode props = body.putObject("properties");
        props.putObject("runbook").put("name", runbook);
        ObjectNode params = props.putObject("parameters");
        (parameters == null ? Map.<String, String>of() : parameters).forEach(params::put);
        props.put("runOn", "");
        String url = jobUrl(jobName, "");
        if (!isConfigured()) {
            ObjectNode shown = body.deepCopy();
            ObjectNode shownParams = ((ObjectNode) shown.get("properties")).putObject("parameters");
            ParameterMasking.mask(parameters == null ? Map.of() : parameters).forEach(shownParams::put);
            DryRun.log(INTEGRATION, "PUT " + url, shown.toString());
            return AutomationJob.dryRun(jobName, JobStatus.NEW);
        }
        Response response = call("PUT", url, body.toString(), "application/json");
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
     * Reads the current state of {@code jobName}.
     *
     * @throws PermanentFailureException when the job does not exist or access is refused
     * @throws TransientFailureException when Azure is busy or unreachable
     */
    public AutomationJob getJob(String jobName) {
        String url = jobUrl(jobName, "");
        if (!isConfigured()) {
            DryRun.log(INTEGRATION, "GET " + url, "");
            return AutomationJob.dryRun(jobName, JobStatus.COMPLETED);
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
        LOG.debug("Azure Automation {} {}", method, url);
        Exchange exchange = template.send(target, ex -> {
            ex.getMessage().setHeader(Exchange.HTTP_METHOD, method);
            ex.getMessage().setHeader(Exchange.HTTP_URI, url);
            ex.getMessage().setHeader("Accept", accept);
            if (body != null) {
                ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                ex.getMessage().setBody(body);
            }
        });
        if (exchange.getException() != null) {
            throw translate(exchange.getException(), method);
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return new Response(status == null ? 0 : status, exchange.getMessage().getBody(String.class),
                exchange.getMessage().getHeader("Retry-After", String.class));
    }

    private synchronized Endpoint endpoint() {
        if (endpoint == null) {
            String base = properties.managementUrl();
            Map<String, Object> options = new HashMap<>();
            options.put("throwExceptionOnFailure", false);
            options.put("clientBuilder", HttpClientBuilder.create().disableAutomaticRetries());
            options.put("oauth2ClientId", form(properties.clientId()));
            options.put("oauth2ClientSecret", form(properties.clientSecret()));
            options.put("oauth2TokenEndpoint", properties.loginUrl() + "/"
                    + UriUtils.encodePathSegment(properties.tenantId(), StandardCharsets.UTF_8) + "/oauth2/v2.0/token");
            options.put("oauth2Scope", form(SCOPE));
            options.put("oauth2BodyAuthentication", true);
            options.put("oauth2CacheTokens", true);
            options.put("oauth2CachedTokensExpirationMarginSeconds", properties.tokenRenewBefore().toSeconds());
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

    /**
     * camel-http reports a refused token request only through its exception text, so the status
     * is read from there: a 4xx means the credentials are wrong and retrying cannot help.
     */
    private RuntimeException translate(Exception e, String method) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = t.getMessage() == null ? null : TOKEN_STATUS.matcher(t.getMessage());
            if (m != null && m.find()) {
                int status = Integer.parseInt(m.group(1));
                if (status >= 400 && status < 500 && status != 408 && status != 429) {
                    return new PermanentFailureException("azure_credentials", "Entra ID refused the client "
                            + "credentials for tenant '" + properties.tenantId() + "' (HTTP " + status
                            + "): check chatops.azure.tenant-id, client-id and client-secret, and that the "
                            + "secret has not expired");
                }
                return new TransientFailureException("Entra ID token request failed (HTTP " + status + ")", null, null);
            }
        }
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
