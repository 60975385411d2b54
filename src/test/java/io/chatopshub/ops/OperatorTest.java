package io.chatopshub.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.TestPropertySource;

import io.chatopshub.HubIntegrationTest;

/**
 * A hub with an operator account and the Prometheus endpoint (Spring Boot tests switch metric
 * export off unless asked), for tests of what operators use. One Spring context for all of them.
 */
@AutoConfigureObservability(tracing = false)
@TestPropertySource(properties = {"spring.security.user.name=" + OperatorTest.OPERATOR,
        "spring.security.user.password=" + OperatorTest.PASSWORD})
abstract class OperatorTest extends HubIntegrationTest {

    static final String OPERATOR = "operator";
    static final String PASSWORD = "ops-pass-1";

    static String basicAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((OPERATOR + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path, boolean loggedIn) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET();
        if (loggedIn) {
            request.header("Authorization", basicAuth());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
