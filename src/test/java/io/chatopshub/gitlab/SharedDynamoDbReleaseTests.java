package io.chatopshub.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.chatopshub.ChatopsHubApplication;
import io.chatopshub.dedup.Dynalite;
import io.chatopshub.testing.HubSettled;
import io.chatopshub.testing.SignedSlackRequest;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Two hub instances in one JVM, each with its own HTTP port and embedded broker, sharing one
 * DynamoDB (Local) table, as two replicas behind a load balancer that each receive a copy of
 * the same Slack delivery.
 */
class SharedDynamoDbReleaseTests {

    static final String SECRET = "shared-signing-secret";
    static final String TRIGGER = "/api/v4/projects/2001/trigger/pipeline";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static WireMockServer slack;
    static WireMockServer gitlab;
    static ConfigurableApplicationContext hubA;
    static ConfigurableApplicationContext hubB;

    @BeforeAll
    static void startTwoHubs() throws Exception {
        slack = new WireMockServer(options().dynamicPort());
        gitlab = new WireMockServer(options().dynamicPort());
        slack.start();
        gitlab.start();
        slack.stubFor(post(urlPathMatching("/api/.*")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"channel\":\"C0SHARED\",\"ts\":\"1700000300.000900\"}")));
        gitlab.stubFor(post(urlEqualTo(TRIGGER)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":2001001,\"iid\":7,\"status\":\"created\","
                        + "\"web_url\":\"https://gitlab.example.com/ops/shop/-/pipelines/2001001\"}")));
        String table = "release-" + UUID.randomUUID();
        hubA = start("a", table);
        hubB = start("b", table);
    }

    static ConfigurableApplicationContext start(String name, String table) throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "hub-shared-" + name + "-");
        return new SpringApplicationBuilder(ChatopsHubApplication.class)
                .initializers(context -> ((GenericApplicationContext) context)
                        .registerBean(AwsCredentialsProvider.class, () -> Dynalite.CREDENTIALS))
                .run(
                        "--server.port=0",
                        "--chatops.data-dir=" + dataDir,
                        "--chatops.slack.signing-secret=" + SECRET,
                        "--chatops.slack.bot-token=xoxb-shared",
                        "--chatops.slack.url=" + slack.baseUrl(),
                        "--chatops.gitlab.url=" + gitlab.baseUrl(),
                        "--chatops.gitlab.deploy-targets[0].channel=C0SHARED",
                        "--chatops.gitlab.deploy-targets[0].project=shop",
                        "--chatops.gitlab.deploy-targets[0].project-id=2001",
                        "--chatops.gitlab.deploy-targets[0].ref=main",
                        "--chatops.gitlab.deploy-targets[0].trigger-token=glptt-shop",
                        "--chatops.gitlab.release-guard=0s",
                        "--chatops.gitlab.connect-timeout=1s",
                        "--chatops.gitlab.read-timeout=1s",
                        "--chatops.dedup.store=dynamodb",
                        "--chatops.dedup.table=" + table,
                        "--chatops.aws.region=" + Dynalite.REGION,
                        "--chatops.aws.endpoint=" + Dynalite.endpoint(),
                        "--spring.jmx.enabled=false",
                        "--camel.main.jmx-enabled=false",
                        "--camel.springboot.main-run-controller=false");
    }

    @AfterAll
    static void stop() {
        for (var hub : new ConfigurableApplicationContext[] {hubA, hubB}) {
            if (hub != null) {
                hub.close();
            }
        }
        slack.stop();
        gitlab.stop();
    }

    static HttpResponse<String> postSignedEvent(ConfigurableApplicationContext hub, String body) {
        var request = SignedSlackRequest.post(URI.create("http://localhost:"
                + hub.getEnvironment().getProperty("local.server.port") + "/slack/events"), SECRET, "application/json", body).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String releaseMention(String eventId, String ts) {
        return "{\"token\":\"legacy\",\"team_id\":\"T0123456\",\"api_app_id\":\"A0123\",\"type\":\"event_callback\","
                + "\"event_id\":\"" + eventId + "\",\"event_time\":1700000000,"
                + "\"authorizations\":[{\"team_id\":\"T0123456\",\"user_id\":\"U0HUB\",\"is_bot\":true}],"
                + "\"event\":{\"type\":\"app_mention\",\"user\":\"U0ALICE\",\"text\":\"<@U0HUB> release shop\","
                + "\"ts\":\"" + ts + "\",\"channel\":\"C0SHARED\",\"event_ts\":\"" + ts + "\",\"team\":\"T0123456\"}}";
    }

    static long triggers(String requestId) {
        return gitlab.countRequestsMatching(postRequestedFor(urlEqualTo(TRIGGER))
                .withFormParam("variables[CHATOPS_REQUEST_ID]", equalTo(requestId)).build()).getCount();
    }

    @Test
    void theSameSignedEventDeliveredToBothHubsTriggersOnePipeline() throws Exception {
        String event = releaseMention("Ev0SHARED1", "1700000301.000100");

        var toA = CompletableFuture.supplyAsync(() -> postSignedEvent(hubA, event));
        var toB = CompletableFuture.supplyAsync(() -> postSignedEvent(hubB, event));

        assertThat(List.of(toA.get().statusCode(), toB.get().statusCode())).containsExactly(200, 200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> slack.verify(1,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo("1700000301.000100"))
                        .withFormParam("text", equalTo("Pipeline #2001001 started for shop on main: "
                                + "https://gitlab.example.com/ops/shop/-/pipelines/2001001"))));
        HubSettled.await(hubA);
        HubSettled.await(hubB);
        assertThat(triggers("Ev0SHARED1")).isEqualTo(1);
        slack.verify(1, postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withFormParam("thread_ts", equalTo("1700000301.000100")));
    }

    @Test
    void aReleaseRequestQueuedOnBothHubsTriggersOnePipeline() throws Exception {
        String event = releaseMention("Ev0SHARED2", "1700000302.000100");

        // past the edge: each instance's worker gets a copy, as after a failover mid-delivery
        hubA.getBean(ProducerTemplate.class).sendBody("jms:queue:" + ReleaseMentions.QUEUE, event);
        hubB.getBean(ProducerTemplate.class).sendBody("jms:queue:" + ReleaseMentions.QUEUE, event);

        // the copy that finds the other one mid-trigger waits for it rather than guessing
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> slack.verify(2,
                postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withFormParam("thread_ts", equalTo("1700000302.000100"))
                        .withFormParam("text", equalTo("Pipeline #2001001 started for shop on main: "
                                + "https://gitlab.example.com/ops/shop/-/pipelines/2001001"))));
        assertThat(triggers("Ev0SHARED2")).isEqualTo(1);
    }
}
