package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;

/**
 * {@code chatops.routes.reload=true}: editing a route file swaps its routes in the running hub,
 * and only its routes; the hub's own routes keep running.
 */
@DirtiesContext
class RouteReloadTests extends HubIntegrationTest {

    private static Path routesDir;

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void reloadingRoutes(DynamicPropertyRegistry registry) throws IOException {
        routesDir = Files.createTempDirectory(Path.of("target"), "reload-routes-").toAbsolutePath();
        Files.writeString(routesDir.resolve("hello.camel.yaml"), helloRoute("hello, first version"));
        registry.add("chatops.routes.reload", () -> "true");
        registry.add("camel.main.routes-reload-directory", routesDir::toString);
        registry.add("camel.main.routes-include-pattern",
                () -> "file:routes/**/*.camel.yaml,file:" + routesDir + "/*.camel.yaml");
    }

    @Test
    void anEditedRouteFileAnswersDifferentlyWithoutARestartAndTheOtherRoutesKeepRunning() throws Exception {
        assertThat(answerTo("/hello")).isEqualTo("hello, first version");
        int routes = camel.getRoutesSize();
        var hubRoutes = camel.getRoutes().stream().filter(r -> !r.getRouteId().equals("slack-command-hello"))
                .map(r -> r.getRouteId() + "@" + System.identityHashCode(r)).toList();

        Files.writeString(routesDir.resolve("hello.camel.yaml"), helloRoute("hello, second version"));

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(answerTo("/hello")).isEqualTo("hello, second version"));
        assertThat(camel.getRoutesSize()).isEqualTo(routes);
        assertThat(camel.getRoutes().stream().filter(r -> !r.getRouteId().equals("slack-command-hello"))
                .map(r -> r.getRouteId() + "@" + System.identityHashCode(r)).toList())
                .as("routes from other files are the same, untouched instances")
                .containsExactlyInAnyOrderElementsOf(hubRoutes);
        assertThat(answerTo("/scale")).startsWith("<@U0ALICE> asked /scale in #ops (C0OPS).");
    }

    private String answerTo(String command) throws Exception {
        var answer = postSlackCommand(command(command, "", "C0OPS", "U0ALICE"));
        assertThat(answer.statusCode()).isEqualTo(200);
        return Json.readObject(answer.body()).path("text").asText();
    }

    private static String helloRoute(String answer) {
        return """
                - route:
                    id: slack-command-hello
                    description: Says hello
                    from:
                      uri: direct:slack-command-hello
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }
}
