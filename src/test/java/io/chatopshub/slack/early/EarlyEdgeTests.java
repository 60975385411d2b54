package io.chatopshub.slack.early;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.chatopshub.gitlab.GitlabProperties;
import io.chatopshub.slack.SlackSignatureVerifier;
import io.chatopshub.slack.socket.EnvelopeKind;
import io.chatopshub.system.Json;

/** The early edge on its own: what it takes, what it refuses, and that it lets the port go. */
class EarlyEdgeTests {

    private static final String SECRET = "early-edge-test-secret";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final HttpClient http = HttpClient.newHttpClient();
    private EarlyEdge edge;

    @TempDir
    Path dataDir;

    @AfterEach
    void close() {
        if (edge != null) {
            edge.close();
        }
    }

    private EarlyEdge start(long maxBody) throws Exception {
        edge = EarlyEdge.start(new EarlyEdge.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SECRET,
                dataDir, maxBody), Clock.systemUTC());
        return edge;
    }

    private HttpResponse<String> signed(String method, String path, String type, String body, long timestamp) throws Exception {
        String ts = String.valueOf(timestamp);
        String signature = new SlackSignatureVerifier(SECRET, Clock.systemUTC()).sign(ts, body.getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path))
                .header("Content-Type", type).header("X-Slack-Request-Timestamp", ts).header("X-Slack-Signature", signature)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signed(String path, String type, String body) throws Exception {
        return signed("POST", path, type, body, Clock.systemUTC().instant().getEpochSecond());
    }

    private static String command(String trigger) {
        return "team_id=T1&channel_id=C1&user_id=U1&command=%2Frunbook&text=Restart-WebApp&trigger_id=" + trigger
                + "&response_url=" + URLEncoder.encode("https://hooks.slack.com/commands/T1/1/x", StandardCharsets.UTF_8);
    }

    private static void assertJsonError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(Json.readObject(response.body()).has("error")).isTrue();
        assertThat(response.body()).doesNotContain(SECRET).doesNotContain("at io.");
        boolean slackPath = response.request().uri().getPath().startsWith("/slack/");
        assertThat(response.headers().firstValue("X-Slack-No-Retry")).as("X-Slack-No-Retry on %s %d",
                response.request().uri().getPath(), status).isEqualTo(slackPath && status != 401 && status != 503
                        ? java.util.Optional.of("1") : java.util.Optional.empty());
    }

    @Test
    void aSignedCommandIsWrittenToTheSpoolThenAnsweredAndARetriedCopyIsWrittenOnce() throws Exception {
        start(1024 * 1024);
        HttpResponse<String> answer = signed("/slack/commands", FORM, command("early.1"));
        assertThat(answer.statusCode()).isEqualTo(200);
        var reply = Json.readObject(answer.body());
        assertThat(Json.text(reply, "response_type")).isEqualTo("ephemeral");
        assertThat(Json.text(reply, "text")).contains("`/runbook` is received").contains("answers it here");

        assertThat(signed("/slack/commands", FORM, command("early.1")).statusCode()).isEqualTo(200);
        List<EarlySpool.Entry> waiting = edge.spool().waiting();
        assertThat(waiting).singleElement().satisfies(entry -> {
            assertThat(entry.kind()).isEqualTo(EnvelopeKind.SLASH_COMMANDS);
            assertThat(entry.deliveryId()).isEqualTo("slack:command:early.1");
            assertThat(Json.text(Json.readObject(entry.payload()), "response_url")).isEqualTo("https://hooks.slack.com/commands/T1/1/x");
            assertThat(Json.text(Json.readObject(entry.payload()), "text")).isEqualTo("Restart-WebApp");
        });
        assertThat(edge.summary()).contains("1 deliveries taken");
    }

    @Test
    void eventsAndInteractionsAreTakenAndUrlVerificationIsAnsweredWithItsChallenge() throws Exception {
        start(1024 * 1024);
        HttpResponse<String> challenge = signed("/slack/events", "application/json",
                "{\"type\":\"url_verification\",\"challenge\":\"c-123\"}");
        assertThat(challenge.statusCode()).isEqualTo(200);
        assertThat(Json.text(Json.readObject(challenge.body()), "challenge")).isEqualTo("c-123");

        String event = "{\"type\":\"event_callback\",\"event_id\":\"Ev0EARLY\",\"event\":{\"type\":\"app_mention\",\"user\":\"U1\","
                + "\"text\":\"hi\",\"ts\":\"1.4\",\"channel\":\"C1\"}}";
        HttpResponse<String> eventAnswer = signed("/slack/events", "application/json; charset=utf-8", event);
        assertThat(eventAnswer.statusCode()).isEqualTo(200);
        assertThat(eventAnswer.body()).isEmpty();

        String press = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U1\"},\"container\":{\"message_ts\":\"1.5\"},"
                + "\"actions\":[{\"action_id\":\"approve\"}]}";
        HttpResponse<String> pressAnswer = signed("/slack/interactions", FORM, "payload=" + URLEncoder.encode(press, StandardCharsets.UTF_8));
        assertThat(pressAnswer.statusCode()).isEqualTo(200);

        assertThat(edge.spool().waiting()).extracting(EarlySpool.Entry::kind)
                .containsExactly(EnvelopeKind.EVENTS_API, EnvelopeKind.INTERACTIVE);
        assertThat(edge.spool().waiting().get(0).deliveryId()).isEqualTo("slack:event:Ev0EARLY");
        assertThat(edge.spool().waiting().get(1).payload()).isEqualTo(press);
        assertThat(edge.spool().waiting().get(1).deliveryId()).as("named as the hub names it").isEqualTo("slack:action:1.5:approve:U1");
    }

    @Test
    void badRequestsAreRefusedWithAJsonErrorAndNothingIsTaken() throws Exception {
        start(2048);
        String body = command("early.2");
        long now = Clock.systemUTC().instant().getEpochSecond();
        assertJsonError(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/slack/commands"))
                .header("Content-Type", FORM).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()), 401);
        assertJsonError(signed("POST", "/slack/commands", FORM, body, now - 400), 401);
        assertJsonError(signed("/slack/commands", "application/json", body), 415);
        assertJsonError(signed("/slack/commands", FORM, "command=%2Ftest&text="), 400);
        assertJsonError(signed("/slack/events", "application/json", "{\"type\":\"event_callback\""), 400);
        assertJsonError(signed("/slack/events", "application/json", "{\"type\":\"event_callback\",\"event_id\":\"Ev0NOCHAN\","
                + "\"event\":{\"type\":\"app_mention\",\"user\":\"U1\",\"text\":\"hi\",\"ts\":\"1.4\"}}"), 400);
        assertJsonError(signed("/slack/interactions", FORM, "payload=%7B%7D"), 400);
        assertJsonError(signed("/slack/events", "application/json", "{\"pad\":\"" + "x".repeat(3000) + "\"}"), 413);
        assertJsonError(signed("PUT", "/slack/commands", FORM, body, now), 405);
        assertThat(edge.spool().waiting()).isEmpty();
        assertThat(edge.summary()).contains("0 deliveries taken");
    }

    @Test
    void aBodyFarOverTheLimitIsReadToItsEndSoTheClientGetsIts413() throws Exception {
        start(2048);
        String body = command("early.big") + "&pad=" + "x".repeat(2 * 1024 * 1024);
        String ts = String.valueOf(Clock.systemUTC().instant().getEpochSecond());
        String signature = new SlackSignatureVerifier(SECRET, Clock.systemUTC()).sign(ts, body.getBytes(StandardCharsets.UTF_8));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /slack/commands HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + FORM + "\r\nX-Slack-Request-Timestamp: "
                    + ts + "\r\nX-Slack-Signature: " + signature + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // the whole body, as a client that reads its answer only after sending does (the edge has
            // answered 413 after the first 2 KB; closing then would reset this connection mid-write)
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < bytes.length; at += 16 * 1024) {
                int n = Math.min(16 * 1024, bytes.length - at);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes, at, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413 ").contains("connection: close").contains("\"error\"");
        }
        assertThat(edge.spool().waiting()).isEmpty();
    }

    @Test
    void aMackerelAlertWithItsTokenIsWrittenOnceAndAnswered202AndAnythingElseIsRefused() throws Exception {
        edge = EarlyEdge.start(new EarlyEdge.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                "mackerel-token", null, dataDir, 1024 * 1024), Clock.systemUTC());
        String alert = "{\"event\":\"alert\",\"alert\":{\"id\":\"4gEarly\",\"status\":\"critical\",\"isOpen\":true}}";
        assertJsonError(mackerel("POST", "?token=wrong", "application/json", alert), 401);
        assertJsonError(mackerel("POST", "", "application/json", alert), 401);
        assertJsonError(mackerel("PUT", "?token=mackerel-token", "application/json", alert), 405);
        assertJsonError(mackerel("POST", "?token=mackerel-token", "text/plain", alert), 415);
        assertJsonError(mackerel("POST", "?token=mackerel-token", "application/json", "[1,2]"), 400);
        assertJsonError(mackerel("POST", "?token=mackerel-token", "application/json", ""), 400);
        assertJsonError(mackerel("POST", "?token=mackerel-token", "application/json",
                "{\"event\":\"alert\",\"alert\":{\"id\":5,\"status\":7,\"statusChangedAt\":\"abc\"}}"), 400);
        HttpResponse<String> ignored = mackerel("POST", "?token=mackerel-token", "application/json", "{\"event\":\"hostStatus\"}");
        assertThat(ignored.statusCode()).as("answered as the hub answers an event it does not queue").isEqualTo(202);
        assertThat(Json.text(Json.readObject(ignored.body()), "status")).isEqualTo("ignored");
        assertThat(edge.spool().waiting()).isEmpty();

        HttpResponse<String> taken = mackerel("POST", "?token=mackerel-token", "application/json", alert);
        assertThat(taken.statusCode()).isEqualTo(202);
        assertThat(Json.text(Json.readObject(taken.body()), "status")).isEqualTo("accepted");
        assertThat(mackerel("POST", "?token=mackerel-token", "application/json; charset=utf-8", alert).statusCode())
                .as("the same notification again").isEqualTo(202);
        assertThat(edge.spool().waiting()).singleElement().satisfies(entry -> {
            assertThat(entry.hookPath()).isEqualTo("/hooks/mackerel");
            assertThat(entry.kind()).isNull();
            assertThat(entry.payload()).as("the alert as the kind read it").contains("4gEarly");
            assertThat(entry.deliveryId()).as("named as the hub names it: the alert state").startsWith("mackerel:4gEarly:critical");
        });
        assertThat(Files.readString(edge.spool().waiting().get(0).file())).as("the token is not written").doesNotContain("mackerel-token");
        // without a signing secret, Slack's requests are asked to come back
        assertJsonError(signed("/slack/commands", FORM, command("early.nosecret")), 503);
    }

    @Test
    void aGitlabPipelineEventAndADeployResultWithTheTokenAreWrittenAsTheHubReadsThem() throws Exception {
        edge = EarlyEdge.start(new EarlyEdge.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SECRET, null,
                new GitlabProperties("https://gitlab.com", "gitlab-token", Duration.ofMinutes(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(15), List.of()), dataDir, 1024 * 1024),
                Clock.systemUTC());
        String pipeline = "{\"object_kind\":\"pipeline\",\"object_attributes\":{\"id\":4242,\"ref\":\"main\",\"status\":\"failed\","
                + "\"variables\":[{\"key\":\"channel\",\"value\":\"C0EARLY\"},{\"key\":\"timestamp\",\"value\":\"1712345678.000100\"}],"
                + "\"url\":\"https://gitlab.example.com/p/4242\"},\"project\":{\"id\":1234,\"name\":\"web\"}}";
        assertJsonError(gitlab("wrong", pipeline), 401);
        assertJsonError(gitlab(null, pipeline), 401);
        HttpResponse<String> taken = gitlab("gitlab-token", pipeline);
        assertThat(taken.statusCode()).isEqualTo(200);
        assertThat(taken.body()).contains("accepted");
        HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port()
                + "/hooks/deploy-result?token=gitlab-token&source=gitlab&result=success&channel=C0EARLY&timestamp=1712345678.000200"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(script.statusCode()).as(script.body()).isEqualTo(200);
        assertJsonError(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/hooks/deploy-result?token=no"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()), 401);

        assertThat(edge.spool().waiting()).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.hookPath()).isIn("/hooks/gitlab", "/hooks/deploy-result");
            assertThat(entry.payload()).as("what the kind read: the result to report").contains("C0EARLY");
            assertThat(Files.readString(entry.file())).doesNotContain("gitlab-token");
        });
        assertThat(edge.spool().waiting().get(0).payload()).contains("4242");
    }

    private HttpResponse<String> gitlab(String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/hooks/gitlab"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-Gitlab-Token", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> mackerel(String method, String query, String type, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/hooks/mackerel" + query))
                .header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everythingElseIsAskedToComeBackAndReadinessSaysNotYet() throws Exception {
        start(1024 * 1024);
        HttpResponse<String> mackerel = signed("/hooks/mackerel?token=x", "application/json", "{}");
        assertJsonError(mackerel, 503);
        assertThat(mackerel.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
        assertThat(get("/actuator/health").body()).contains("OUT_OF_SERVICE");
    }

    @Test
    void aDeliveryThatCannotBeWrittenIsNotAnswered200() throws Exception {
        Files.writeString(dataDir.resolve(EarlySpool.FOLDER), "a file where the folder should be");
        start(1024 * 1024);
        HttpResponse<String> answer = signed("/slack/commands", FORM, command("early.3"));
        assertJsonError(answer, 503);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void closingLetsThePortGo() throws Exception {
        start(1024);
        int port = edge.port();
        edge.close();
        try (ServerSocket hub = new ServerSocket()) {
            hub.setReuseAddress(true);
            hub.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(hub.getLocalPort()).isEqualTo(port);
        }
        edge = null;
    }

    @Test
    void aRequestUnderWayWhenTheEdgeClosesIsTakenAndAnsweredAndItsConnectionThenClosed() throws Exception {
        start(1024 * 1024);
        int port = edge.port();
        String body = command("early.closing");
        String ts = String.valueOf(Clock.systemUTC().instant().getEpochSecond());
        String signature = new SlackSignatureVerifier(SECRET, Clock.systemUTC()).sign(ts, body.getBytes(StandardCharsets.UTF_8));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /slack/commands HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + FORM
                    + "\r\nX-Slack-Request-Timestamp: " + ts + "\r\nX-Slack-Signature: " + signature + "\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> edge.requestsUnderWay() == 1);
            Thread closing = new Thread(edge::close);
            closing.start();
            // the port is let go at once; the request under way is not cut
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> refusesConnections(port));
            out.write(body.substring(10).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200 ").contains("connection: close").contains("is received");
            closing.join(10_000);
            assertThat(closing.isAlive()).isFalse();
        }
        assertThat(edge.spool().waiting()).singleElement().satisfies(entry -> assertThat(entry.deliveryId())
                .isEqualTo("slack:command:early.closing"));
        edge = null;
    }

    private static boolean refusesConnections(int port) {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (java.io.IOException refused) {
            return true;
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
