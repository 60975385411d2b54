package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import io.chatopshub.ChatopsHubApplication;

/**
 * Each configuration mistake a new operator makes stops the real application before it starts,
 * with one line naming the key (or file and line) and what is expected, and no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationMistakeTests {

    @Test
    void socketModeAloneNeedsNoSigningSecretButNeitherIsAMistake() {
        assertThat(catchThrowable(() -> ConfigurationCheck.checkSlack(new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                        Map.of("chatops.slack.app-token", "xapp-1-A1-1-abc")))))).isNull();
        assertThat(catchThrowable(() -> ConfigurationCheck.checkSlack(new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(Map.of())))))
                .hasMessageContaining("or chatops.slack.app-token to take Slack over Socket Mode only");
    }

    @Test
    void aMissingSigningSecretStopsStartupUnlessSlackIsDisabled(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of(), "chatops.slack.signing-secret="))
                .startsWith("chatops.slack.signing-secret (CHATOPS_SLACK_SIGNING_SECRET) is not set:")
                .contains("chatops.slack.enabled=false");
        assertThat(output.getAll()).doesNotContain("Started ChatopsHubApplication");
    }

    @Test
    void withSlackDisabledTheHubStartsWithoutASigningSecret() throws IOException {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "no-slack-");
        try (var context = new SpringApplicationBuilder(ChatopsHubApplication.class).properties("spring.jmx.unique-names=true")
                .run("--chatops.data-dir=" + dataDir, "--server.port=0", "--camel.springboot.main-run-controller=false",
                        "--chatops.slack.signing-secret=", "--chatops.slack.enabled=false")) {
            assertThat(context.isRunning()).isTrue();
        }
    }

    @Test
    void anUnknownDedupStoreNamesTheVariableAndTheAllowedValues(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_DEDUP_STORE", "dynamo")))
                .isEqualTo("chatops.dedup.store is 'dynamo' (from CHATOPS_DEDUP_STORE): expected one of embedded, dynamodb");
    }

    @Test
    void aValueOfTheWrongTypeSaysHowToWriteIt(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_DEDUP_TTL", "forever")))
                .isEqualTo("chatops.dedup.ttl is 'forever' (from CHATOPS_DEDUP_TTL): expected a duration such as 500ms, 30s, 5m or 24h");
        assertThat(startupFailure(output, Map.of("CHATOPS_HTTP_MAX_BODY_SIZE", "big")))
                .isEqualTo("chatops.http.max-body-size is 'big' (from CHATOPS_HTTP_MAX_BODY_SIZE): expected a size such as 512KB or 1MB");
    }

    @Test
    void aSettingThatApplicationYamlPassesOnNamesTheVariableTheOperatorSet(CapturedOutput output) {
        // application.yaml: camel.main.routes-reload-enabled: ${chatops.routes.reload:false}
        assertThat(startupFailure(output, Map.of("CHATOPS_ROUTES_RELOAD", "yes-please")))
                .isEqualTo("chatops.routes.reload is 'yes-please' (from CHATOPS_ROUTES_RELOAD): expected true or false");
    }

    @Test
    void anAppTokenInPlaceOfTheBotTokenStopsStartupSayingWhichTokenGoesWhere(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_SLACK_BOT_TOKEN", "xapp-1-A0123-4567-secretpart")))
                .isEqualTo("chatops.slack.bot-token is an app-level token (xapp-…): expected the Bot User OAuth Token "
                        + "xoxb-… (the xapp- token goes in chatops.slack.app-token)");
        assertThat(output.getAll()).doesNotContain("secretpart");
    }

    @Test
    void aSlackUrlWithoutSchemeStopsStartupNamingTheKey(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_SLACK_URL", "slack.com")))
                .isEqualTo("chatops.slack.url is 'slack.com': expected an absolute http(s) URL such as https://slack.com "
                        + "(the Web API's methods are called under its /api/)");
    }

    @Test
    void aSlackUrlEndingInApiStopsStartupSayingWhatWouldBeCalled(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_SLACK_URL", "https://slack.com/api/")))
                .isEqualTo("chatops.slack.url is 'https://slack.com/api/': expected the URL without /api, such as "
                        + "https://slack.com (the hub adds /api/ itself: this one would call "
                        + "https://slack.com/api/api/chat.postMessage)");
    }

    @Test
    void anAwsEndpointWithoutSchemeStopsStartupNamingTheKeyItself(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_AWS_ENDPOINT", "localhost:8000")))
                .isEqualTo("chatops.aws.endpoint is 'localhost:8000': expected an absolute http:// or https:// URL with a "
                        + "host, such as http://127.0.0.1:4567");
    }

    @Test
    void aBodyLimitWrittenWithoutItsUnitStopsStartupInsteadOfRefusingEveryRequest(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_HTTP_MAX_BODY_SIZE", "2")))
                .isEqualTo("chatops.http.max-body-size is 2 bytes: expected at least 1KB, such as 1MB (a number without a "
                        + "unit is bytes)");
    }

    @Test
    void aJsonLoggingSwitchThatIsNotABooleanNamesTheKey(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_LOGGING_JSON", "ecs")))
                .isEqualTo("chatops.logging.json is 'ecs' (from CHATOPS_LOGGING_JSON): expected true or false");
    }

    @Test
    void aDataDirThatIsAFileNamesTheKey(CapturedOutput output) throws IOException {
        Path file = Files.createTempFile(Path.of("target"), "data-dir-", ".txt");
        assertThat(startupFailure(output, Map.of(), "chatops.data-dir=" + file))
                .isEqualTo("chatops.data-dir is '" + file + "': expected a directory, not a file");
    }

    @Test
    void aDeployTargetListWithAGapIsRefused(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_GITLAB_DEPLOY_TARGETS_1_CHANNEL", "C0DEV",
                "CHATOPS_GITLAB_DEPLOY_TARGETS_1_PROJECT", "web", "CHATOPS_GITLAB_DEPLOY_TARGETS_1_PROJECT_ID", "1234")))
                .isEqualTo("CHATOPS_GITLAB_DEPLOY_TARGETS_1_* is set but CHATOPS_GITLAB_DEPLOY_TARGETS_0_* is not: "
                        + "expected list elements numbered from 0 without gaps");
    }

    @Test
    void aRoutesPatternThatMatchesNothingIsRefused(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of(), "camel.main.routes-include-pattern=file:rotues/**/*.camel.yaml"))
                .startsWith("camel.main.routes-include-pattern 'file:rotues/**/*.camel.yaml' matches no file");
    }

    @Test
    void aRouteIdNobodyCanCallNamesItsFileAndLine(CapturedOutput output) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target"), "bad-routes-");
        Files.writeString(dir.resolve("deploy.camel.yaml"), """
                # a command route with a capital letter
                - route:
                    id: slack-command-Deploy
                    from:
                      uri: direct:slack-command-Deploy
                      steps:
                        - setBody: {constant: hi}
                """);
        assertThat(startupFailure(output, Map.of(), "camel.main.routes-include-pattern=file:routes/**/*.camel.yaml,file:"
                + dir + "/*.camel.yaml"))
                .isEqualTo(dir + "/deploy.camel.yaml line 3: route id slack-command-Deploy can never be called: "
                        + "Slack command names are lower-case letters, digits, - and _; expected slack-command-deploy");
    }

    @Test
    void aMalformedChannelIdNamesTheKey(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of(), "chatops.slack.alert-channel=#alerts"))
                .isEqualTo("chatops.slack.alert-channel is '#alerts': must be a Slack channel id such as C0123456 (not a #name)");
    }

    @Test
    void aSendTimeoutWithoutUnitIsRefusedNotTakenAsMilliseconds(CapturedOutput output) {
        // "5" is 5 ms: every durable write would time out and every webhook be answered 503
        assertThat(startupFailure(output, Map.of("CHATOPS_BROKER_SEND_TIMEOUT", "5")))
                .startsWith("chatops.broker.send-timeout is 'PT0.005S': must be");
    }

    @Test
    void aDiskUsageOverAHundredPercentIsRefused(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_BROKER_MAX_DISK_USAGE", "150")))
                .startsWith("chatops.broker.max-disk-usage is '150': must be less than or equal to 100");
    }

    @Test
    void aBodyTimeoutOfZeroIsRefused(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of("CHATOPS_HTTP_BODY_TIMEOUT", "0")))
                .startsWith("chatops.http.body-timeout is 'PT0S': must be");
    }

    @Test
    void theDynamodbStoreWithoutARegionNamesTheKey(CapturedOutput output) throws IOException {
        String line = withoutAnAwsRegion(() -> startupFailure(output, Map.of("CHATOPS_DEDUP_STORE", "dynamodb")));
        assertThat(line).isEqualTo("chatops.dedup.store=dynamodb needs an AWS region: set chatops.aws.region "
                + "(CHATOPS_AWS_REGION) or AWS_REGION");
    }

    @Test
    void aSecretsManagerImportWithoutARegionNamesTheKey(CapturedOutput output) throws IOException {
        String line = withoutAnAwsRegion(() -> startupFailure(output, Map.of(),
                "spring.config.import=optional:aws-secretsmanager:chatops/hub"));
        assertThat(line).isEqualTo("spring.cloud.aws.region.static (AWS_REGION) is not set: the aws-secretsmanager: "
                + "import of spring.config.import needs the AWS region of the secret");
    }

    /** Runs {@code start} where the AWS SDK finds no region: none in the environment, no profile file, no instance metadata. */
    private static String withoutAnAwsRegion(java.util.function.Supplier<String> start) throws IOException {
        assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
                "no AWS region in the environment");
        Path noFile = Files.createTempDirectory(Path.of("target"), "no-aws-").resolve("config");
        Map<String, String> sdk = Map.of("aws.configFile", noFile.toString(), "aws.sharedCredentialsFile", noFile.toString(),
                "aws.disableEc2Metadata", "true");
        sdk.forEach(System::setProperty);
        try {
            return start.get();
        } finally {
            sdk.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void aMalformedDeployTargetNamesTheKey(CapturedOutput output) {
        assertThat(startupFailure(output, Map.of(), "chatops.gitlab.deploy-targets[0].channel=general",
                "chatops.gitlab.deploy-targets[0].project=web", "chatops.gitlab.deploy-targets[0].project-id=1234"))
                .startsWith("chatops.gitlab.deploy-targets[0]").contains("channel");
    }

    @Test
    void aTabInTheConfigurationFileNamesTheFileAndLine(CapturedOutput output) throws IOException {
        Path file = Files.createTempDirectory(Path.of("target"), "tab-config-").resolve("application.yaml");
        Files.writeString(file, "chatops:\n  slack:\n\turl: https://slack.com\n");
        String line = startupFailure(output, Map.of(), "spring.config.additional-location=file:" + file);
        assertThat(line).startsWith(file + " line 3").contains("tab");
    }

    @Test
    void alertPipelineParametersOfTheWrongTypeStopStartupNamingPipelineAndParameter(CapturedOutput output) throws IOException {
        Path file = routeFile("bad-pipelines.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: alert-to-backlog
                    routeId: alerts-ops-to-backlog
                    parameters:
                      - {name: name, value: ops-backlog}
                      - {name: projectId, value: OPS}
                - templatedRoute:
                    routeTemplateRef: alert-to-slack
                    routeId: alerts-ops-to-slack
                    parameters:
                      - {name: name, value: ops-slack}
                      - {name: channel, value: "#ops-alerts"}
                      - {name: consumers, value: "65"}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .isEqualTo(file + " line 3: alert pipeline 'ops-backlog' (route alerts-ops-to-backlog) parameter 'projectId' is 'OPS': "
                        + "expected a numeric Backlog id, or empty for the configured one; "
                        + file + " line 9: alert pipeline 'ops-slack' (route alerts-ops-to-slack) parameter 'channel' is '#ops-alerts': "
                        + "expected a Slack channel id such as C0123456 (not a #name), or empty for chatops.slack.alert-channel; "
                        + file + " line 9: alert pipeline 'ops-slack' (route alerts-ops-to-slack) parameter 'consumers' is '65': "
                        + "expected a number from 1 to 64");
        assertThat(output.getAll()).doesNotContain("Started ChatopsHubApplication").doesNotContain("Started alerts-");
    }

    @Test
    void twoAlertPipelinesWithOneNameStopStartup(CapturedOutput output) throws IOException {
        Path file = routeFile("twin-pipelines.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: alert-to-slack
                    routeId: alerts-twin-a
                    parameters:
                      - {name: name, value: twin}
                - templatedRoute:
                    routeTemplateRef: alert-to-slack
                    routeId: alerts-twin-b
                    parameters:
                      - {name: name, value: twin}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .isEqualTo(file + " line 3: alert pipeline name 'twin' is used by several routes (alerts-twin-a, alerts-twin-b): "
                        + "expected each templatedRoute its own 'name'");
    }

    @Test
    void anInboundEndpointWithAnUnknownKindStopsStartup(CapturedOutput output) throws IOException {
        Path file = routeFile("typo-kind.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: inbound-edge
                    routeId: extra-receive-webhook
                    parameters:
                      - {name: path, value: /hooks/extra}
                      - {name: kind, value: mackrelInbound}
                      - {name: queue, value: chatops.alerts}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .startsWith(file + " line 3: templatedRoute extra-receive-webhook (inbound-edge) parameter 'kind' is 'mackrelInbound': "
                        + "expected the name of an InboundKind bean, one of [")
                .contains("mackerelInbound");
    }

    @Test
    void anInboundEndpointWhoseQueueIsAnEndpointUriStopsStartup(CapturedOutput output) throws IOException {
        Path file = routeFile("uri-queue.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: inbound-edge
                    routeId: extra-receive-webhook
                    parameters:
                      - {name: path, value: /hooks/extra}
                      - {name: kind, value: mackerelInbound}
                      - {name: queue, value: "jms:queue:chatops.alerts"}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .isEqualTo(file + " line 3: templatedRoute extra-receive-webhook (inbound-edge) parameter 'queue' is "
                        + "'jms:queue:chatops.alerts': expected a queue name such as chatops.alerts (letters, digits, '.', '-' "
                        + "and '_'; no jms:queue: prefix, no options)");
    }

    @Test
    void anInboundEndpointWhoseQueueIsOutsideTheHubsQueuesStopsStartup(CapturedOutput output) throws IOException {
        Path file = routeFile("plain-queue.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: inbound-edge
                    routeId: extra-receive-webhook
                    parameters:
                      - {name: path, value: /hooks/extra}
                      - {name: kind, value: mackerelInbound}
                      - {name: queue, value: statuspage}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .isEqualTo(file + " line 3: templatedRoute extra-receive-webhook (inbound-edge) parameter 'queue' is "
                        + "'statuspage': expected a queue under chatops. such as chatops.statuspage (the broker's settings for "
                        + "the hub's queues, chatops.#: redelivery back-off, dead letters, refusal when the disk is full, apply "
                        + "to those only)");
    }

    @Test
    void anInboundEndpointWithoutAQueueStopsStartup(CapturedOutput output) throws IOException {
        Path file = routeFile("no-queue.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: inbound-edge
                    routeId: extra-receive-webhook
                    parameters:
                      - {name: path, value: /hooks/extra}
                      - {name: kind, value: mackerelInbound}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .startsWith(file + " line 3: templatedRoute extra-receive-webhook (inbound-edge) parameter 'queue' is not set: "
                        + "expected a queue name such as chatops.alerts");
    }

    @Test
    void anInboundEndpointWhoseNextStepIsNoRouteStopsStartup(CapturedOutput output) throws IOException {
        Path file = routeFile("then-typo.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: inbound-edge
                    routeId: extra-receive-commands
                    parameters:
                      - {name: path, value: /slack/extra-commands}
                      - {name: kind, value: slackSlashCommands}
                      - {name: then, value: "direct:inbound-run-comand"}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .startsWith(file + " line 3: templatedRoute extra-receive-commands (inbound-edge) parameter 'then' is "
                        + "'direct:inbound-run-comand': expected the direct: endpoint of a route, one of [")
                .contains("direct:inbound-run-command");
    }

    @Test
    void aConsumerCountIsOneToSixtyFourWrittenPlainly() {
        assertThat(List.of("1", "8", "64")).allMatch(ConfigurationCheck::isConsumerCount);
        assertThat(Arrays.asList("0", "65", "100", "08", "064", "-1", " 8", "8 ", "", "four", null))
                .noneMatch(ConfigurationCheck::isConsumerCount);
    }

    @Test
    void aWorkerWithANonNumericConsumerCountStopsStartup(CapturedOutput output) throws IOException {
        Path file = routeFile("worker-consumers.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: inbound-worker
                    routeId: extra-worker
                    parameters:
                      - {name: queue, value: chatops.extra}
                      - {name: bean, value: mackerelInbound}
                      - {name: method, value: accept}
                      - {name: concurrentConsumers, value: four}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .isEqualTo(file + " line 3: templatedRoute extra-worker (inbound-worker) parameter 'concurrentConsumers' is 'four': "
                        + "expected a number from 1 to 64");
    }

    @Test
    void aWorkerForABeanThatDoesNotExistStopsStartup(CapturedOutput output) throws IOException {
        Path file = routeFile("worker-bean.camel.yaml", """
                - templatedRoute:
                    routeTemplateRef: inbound-worker
                    routeId: extra-worker
                    parameters:
                      - {name: queue, value: chatops.extra}
                      - {name: bean, value: extraWork}
                      - {name: method, value: run}
                """);
        assertThat(startupFailure(output, Map.of(), withRoutes(file)))
                .isEqualTo(file + " line 3: templatedRoute extra-worker (inbound-worker) parameter 'bean' is 'extraWork': "
                        + "expected the name of a bean that does the work");
    }

    private static Path routeFile(String name, String yaml) throws IOException {
        Path file = Files.createTempDirectory(Path.of("target"), "routes-").resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    private static String withRoutes(Path file) {
        return "camel.main.routes-include-pattern=file:routes/**/*.camel.yaml,file:" + file;
    }

    /** Starts the hub with these settings, expects it to fail, and returns the one-line description it logged. */
    private static String startupFailure(CapturedOutput output, Map<String, Object> environmentVariables, String... properties) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory(Path.of("target"), "mistake-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new LinkedHashMap<>(environmentVariables)));
        var app = new SpringApplicationBuilder(ChatopsHubApplication.class).environment(environment)
                .properties("spring.jmx.unique-names=true");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("chatops.data-dir", dataDir.toString());
        settings.put("server.port", "0");
        settings.put("camel.springboot.main-run-controller", "false");
        settings.put("chatops.slack.signing-secret", "test-secret");
        for (String property : properties) {
            settings.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
        }
        var args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
        Throwable failure = catchThrowable(() -> {
            try (var started = app.run(args.toArray(String[]::new))) {
                // started although it should not have: closed again, and the assertion below fails
            }
        });
        assertThat(failure).as("startup fails").isNotNull();
        String log = output.getAll();
        assertThat(log).contains("APPLICATION FAILED TO START");
        assertThat(startupThreadTraces(log)).as("stack trace lines logged by the failing start-up").isEmpty();
        String description = log.substring(log.lastIndexOf("Description:") + "Description:".length()).strip();
        String line = description.lines().findFirst().orElseThrow();
        assertThat(description.substring(line.length()).strip()).startsWith("Action:");
        return line;
    }

    /**
     * The stack trace lines logged by the start-up's own thread ({@code main}). Contexts that earlier
     * test classes cached in this JVM keep running their workers and may log traces of their own
     * meanwhile; those belong to other tests.
     */
    private static List<String> startupThreadTraces(String log) {
        List<String> traces = new ArrayList<>();
        boolean fromMain = true;
        for (String line : log.lines().toList()) {
            if (LOG_EVENT.matcher(line).lookingAt()) {
                fromMain = line.contains("[           main]");
            } else if (fromMain && line.startsWith("\tat ")) {
                traces.add(line);
            }
        }
        return traces;
    }

    private static final Pattern LOG_EVENT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
}
