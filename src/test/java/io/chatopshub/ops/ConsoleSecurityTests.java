package io.chatopshub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The console as an attacker meets it, on the production layout: webhooks on the public port,
 * console and actuator on {@code management.server.port}.
 */
@TestPropertySource(properties = "management.server.port=0")
class ConsoleSecurityTests extends OperatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalManagementPort
    int managementPort;

    @Autowired
    ApplicationContext context;

    @AfterEach
    void forgetFailedLogins() {
        // one hub serves every test of this class: one test's guessing must not slow the next
        ReflectionTestUtils.invokeMethod(context.getBean("loginThrottle"), "clear");
    }

    @Test
    void thePublicPortAnswers404ForTheConsoleTheActuatorAndTheLoginPage() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        for (String path : new String[] {"/actuator/hawtio/", "/actuator/hawtio/jolokia/version", "/actuator/jolokia/version",
                "/actuator/prometheus", "/actuator/health", "/actuator", "/login"}) {
            assertThat(send(port, "GET", path, basicAuth(), Map.of()).statusCode()).as("public " + path).isEqualTo(404);
            assertThat(send(port, "GET", path, null, Map.of()).statusCode()).as("public " + path).isEqualTo(404);
        }
        assertThat(send(managementPort, "GET", "/actuator/hawtio/", null, Map.of()).statusCode()).isEqualTo(401);
        assertThat(send(managementPort, "GET", "/actuator/hawtio/index.html", basicAuth(), Map.of()).body())
                .containsIgnoringCase("hawtio");
        assertThat(send(managementPort, "GET", "/actuator/jolokia/version", basicAuth(), Map.of()).statusCode()).isEqualTo(200);
        assertThat(send(managementPort, "GET", "/actuator/health/liveness", null, Map.of()).statusCode()).isEqualTo(200);
        // the webhooks stay on the public port (refused here only for the missing signature)
        assertThat(post("/slack/events", "application/json", "{}", Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void twentyWrongPasswordsAreSlowedDownAndTheRightOneWaitsToo() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        List<String> retryAfter = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            var answer = send(managementPort, "GET", "/actuator/jolokia/version", basic(OPERATOR, "guess-" + i), Map.of());
            statuses.add(answer.statusCode());
            answer.headers().firstValue("Retry-After").ifPresent(retryAfter::add);
            if (answer.statusCode() == 429) {
                assertThat(JSON.readTree(answer.body()).path("error").asText()).isEqualTo("too_many_login_failures");
            }
        }
        assertThat(statuses.subList(0, 5)).containsOnly(401);
        assertThat(statuses.stream().filter(s -> s == 429).count()).as("%s", statuses).isGreaterThanOrEqualTo(10);
        assertThat(retryAfter).isNotEmpty().allSatisfy(seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(send(managementPort, "GET", "/actuator/jolokia/version", basicAuth(), Map.of()).statusCode())
                .as("the right password is not even checked while the wait lasts").isEqualTo(429);
    }

    @Test
    void aCrossOriginGetExecIsRefusedAndReleasesStayUnfrozen() throws Exception {
        String releases = mbean("type=Releases");
        String exec = "/actuator/jolokia/exec/" + releases + "/freeze/pwned";

        var foreign = send(managementPort, "GET", exec, basicAuth(), Map.of("Origin", "https://evil.example"));
        var noOrigin = send(managementPort, "GET", exec, basicAuth(), Map.of());
        var queryForm = send(managementPort, "GET", "/actuator/jolokia/?p=/exec/" + releases + "/freeze/pwned", basicAuth(),
                Map.of());
        var hawtioPath = send(managementPort, "GET", "/actuator/hawtio/jolokia/exec/" + releases + "/freeze/pwned",
                basicAuth(), Map.of());

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(foreign.body()).path("error").asText()).isEqualTo("forbidden_origin");
        assertThat(noOrigin.statusCode()).isEqualTo(405);
        assertThat(queryForm.statusCode()).isEqualTo(405);
        assertThat(hawtioPath.statusCode()).isEqualTo(405);
        var frozen = send(managementPort, "GET", "/actuator/jolokia/read/" + releases + "/Frozen", basicAuth(), Map.of());
        assertThat(frozen.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(frozen.body()).path("value").asBoolean()).as(frozen.body()).isFalse();
    }

    @Test
    void aCrossOriginPostIsRefusedEvenWithTheCsrfTokenWhileTheConsolesOwnOriginIsServed() throws Exception {
        String token = csrfToken();
        String read = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}";
        Map<String, String> withToken = Map.of("Cookie", "XSRF-TOKEN=" + token, "X-XSRF-TOKEN", token,
                "Content-Type", "application/json");

        var foreign = sendBody(managementPort, read, with(withToken, "Origin", "https://evil.example"));
        var own = sendBody(managementPort, read, with(withToken, "Origin", "http://localhost:" + managementPort));

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(own.body()).path("status").asInt()).isEqualTo(200);
    }

    @Test
    void jolokiasJsr160ProxyIsOffSoATargetIsNeverContacted() throws Exception {
        String token = csrfToken();
        try (ServerSocketChannel target = ServerSocketChannel.open()) {
            target.bind(new InetSocketAddress("127.0.0.1", 0));
            target.configureBlocking(false);
            String proxied = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\","
                    + "\"target\":{\"url\":\"service:jmx:rmi:///jndi/rmi://127.0.0.1:" + target.socket().getLocalPort()
                    + "/jmxrmi\"}}";

            var answer = sendBody(managementPort, proxied, Map.of("Cookie", "XSRF-TOKEN=" + token, "X-XSRF-TOKEN", token,
                    "Content-Type", "application/json"));

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(target.accept()).as("a connection from Jolokia's proxy").isNull();
        }
        assertThatThrownBy(() -> Class.forName("org.jolokia.service.jsr160.Jsr160RequestHandler"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    private String mbean(String type) throws Exception {
        var found = send(managementPort, "GET", "/actuator/jolokia/search/io.chatopshub:*", basicAuth(), Map.of());
        for (JsonNode name : JSON.readTree(found.body()).path("value")) {
            if (name.asText().contains(type)) {
                return name.asText();
            }
        }
        throw new AssertionError(type + " not in " + found.body());
    }

    private String csrfToken() throws Exception {
        return send(managementPort, "GET", "/actuator/jolokia/version", basicAuth(), Map.of()).headers()
                .allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
                .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst().orElseThrow();
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        var all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return all;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> sendBody(int port, String body, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/jolokia"))
                .header("Authorization", basicAuth()).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(int port, String method, String path, String authorization, Map<String, String> headers)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
