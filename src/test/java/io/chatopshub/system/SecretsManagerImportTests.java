package io.chatopshub.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.testing.SignedSlackRequest;

/**
 * {@code spring.config.import=optional:aws-secretsmanager:<name>} against a local stand-in of the
 * Secrets Manager API (JSON 1.1 protocol): the signing secret comes only from the secret's JSON.
 * Not a {@code HubIntegrationTest}, which sets the signing secret itself and would win over the
 * imported one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.import=optional:aws-secretsmanager:chatops/hub",
        "spring.cloud.aws.secretsmanager.endpoint=${chatops-test.secrets-manager-url}",
        "spring.cloud.aws.region.static=eu-west-1",
        "spring.cloud.aws.credentials.access-key=AKIDCHATOPSTEST",
        "spring.cloud.aws.credentials.secret-key=test-aws-secret-key" })
@DirtiesContext
class SecretsManagerImportTests {

    private static final String SECRET_FROM_AWS = "signing-secret-kept-in-secrets-manager";

    private static final WireMockServer secretsManager = new WireMockServer(options().dynamicPort());
    private static final HttpClient http = HttpClient.newHttpClient();

    static {
        secretsManager.start();
        secretsManager.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(equalToJson("{\"SecretId\":\"chatops/hub\"}"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody("""
                        {"ARN":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:chatops/hub-AbCdEf",
                         "Name":"chatops/hub",
                         "VersionId":"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
                         "SecretString":"{\\"chatops.slack.signing-secret\\":\\"%s\\",\\"chatops.slack.bot-token\\":\\"xoxb-from-secrets-manager\\"}",
                         "VersionStages":["AWSCURRENT"],
                         "CreatedDate":1.700000000E9}
                        """.formatted(SECRET_FROM_AWS))));
        // read by the placeholder in spring.config.import's settings, before any DynamicPropertySource applies
        System.setProperty("chatops-test.secrets-manager-url", secretsManager.baseUrl());
    }

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @DynamicPropertySource
    static void hub(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "hub-test-");
        registry.add("chatops.data-dir", dataDir::toString);
        registry.add("chatops.slack.url", () -> "http://127.0.0.1:9");
    }

    @AfterAll
    static void stop() {
        secretsManager.stop();
        System.clearProperty("chatops-test.secrets-manager-url");
    }

    @Test
    void everyKeyOfTheSecretsJsonBecomesAProperty() throws Exception {
        assertThat(environment.getProperty("chatops.slack.signing-secret")).isEqualTo(SECRET_FROM_AWS);
        assertThat(environment.getProperty("chatops.slack.bot-token")).isEqualTo("xoxb-from-secrets-manager");
        secretsManager.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIDCHATOPSTEST/\\d{8}/eu-west-1/secretsmanager/aws4_request, .*")));
    }

    @Test
    void aRequestSignedWithTheSecretFromSecretsManagerIsAccepted() throws Exception {
        var answer = postCommand(SECRET_FROM_AWS);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.readObject(answer.body()).path("text").asText()).isEqualTo("Pick one to see the round trip work.");
    }

    @Test
    void aRequestSignedWithAnotherSecretIsRefused() throws Exception {
        var answer = postCommand("some-other-secret");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(Json.readObject(answer.body()).has("error")).isTrue();
    }

    private HttpResponse<String> postCommand(String signingSecret) throws IOException, InterruptedException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("team_id", "T0123456");
        fields.put("channel_id", "C0OPS");
        fields.put("channel_name", "ops");
        fields.put("user_id", "U0ALICE");
        fields.put("user_name", "alice");
        fields.put("command", "/test");
        fields.put("text", "");
        fields.put("response_url", "http://127.0.0.1:9/response");
        fields.put("trigger_id", "13345224609." + System.nanoTime() + ".abcdef");
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = SignedSlackRequest.post(URI.create("http://localhost:" + port + "/slack/commands"), signingSecret,
                "application/x-www-form-urlencoded", body).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
