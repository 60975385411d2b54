package io.chatopshub.system.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.chatopshub.HubIntegrationTest;

/**
 * With blocking reads (the default), a client that keeps trickling its body is still bounded:
 * no pause between its bytes is long enough to end the read, but once
 * {@code chatops.http.body-timeout} has passed since its headers it is answered 408 with a JSON
 * error and disconnected, on every webhook path; a signed request meanwhile is answered as usual.
 * A client that sends part of its body and then nothing more is answered the same way, within the
 * body timeout rather than Tomcat's 60 s connection timeout, while a body that pauses but arrives
 * in time is read in full and its connection stays open for the next request.
 */
class BodyTimeoutTests extends HubIntegrationTest {

    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("chatops.http.body-timeout", () -> BODY_TIMEOUT.toMillis() + "ms");
    }

    @Test
    void aBodyStillArrivingAfterTheBodyTimeoutIsAnswered408AndClosed() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        List<Trickler> tricklers = List.of(new Trickler(port, "/slack/events"), new Trickler(port, "/slack/commands"),
                new Trickler(port, "/hooks/mackerel?token=x"));
        long opened = System.nanoTime();
        try {
            trickle.scheduleAtFixedRate(() -> tricklers.forEach(Trickler::oneMoreByte), 200, 200, TimeUnit.MILLISECONDS);

            String event = eventCallback("EvBODYTIMEOUT", "{\"type\":\"message\",\"channel\":\"C0123456\","
                    + "\"channel_type\":\"channel\",\"user\":\"U0ALICE\",\"text\":\"still there?\",\"ts\":\"1.5\"}");
            assertThat(post("/slack/events", "application/json", event, slackHeaders(event)).statusCode()).isEqualTo(200);

            await().atMost(BODY_TIMEOUT.plusSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tricklers.stream().allMatch(Trickler::closed));
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(BODY_TIMEOUT);
            for (Trickler trickler : tricklers) {
                assertThat(trickler.answer()).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"")
                        .doesNotContain("Exception");
            }
        } finally {
            trickle.shutdownNow();
            for (Trickler trickler : tricklers) {
                trickler.channel.close();
            }
        }
    }

    @Test
    void aBodyThatStopsArrivingIsAnswered408WithTheHubsJsonErrorWithinTheBodyTimeout() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        long opened = System.nanoTime();
        try {
            for (String path : List.of("/slack/events", "/slack/commands", "/hooks/mackerel?token=x")) {
                Socket socket = new Socket("localhost", port);
                stalled.add(socket);
                // a Content-Length of 100, one byte of it, then nothing: the connection stays open
                socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nX-Slack-Request-Timestamp: 1\r\nX-Slack-Signature: v0=00\r\n"
                        + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            // Tomcat's connection timeout, which ended such a read before, is 60 s
            long answeredBy = opened + BODY_TIMEOUT.multipliedBy(2).toNanos();
            for (Socket socket : stalled) {
                assertThat(readAnswer(socket, answeredBy)).startsWith("HTTP/1.1 408").contains("Connection: close")
                        .contains("Content-Type: application/json")
                        .endsWith("\r\n\r\n{\"error\":\"request_timeout\",\"message\":\"The request body did not arrive within "
                                + BODY_TIMEOUT.toMillis() + " ms.\"}");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(BODY_TIMEOUT);
            // and closed, at the latest once Tomcat has waited one more body timeout for the rest of the body
            long closedBy = opened + BODY_TIMEOUT.multipliedBy(4).toNanos();
            for (Socket socket : stalled) {
                socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(closedBy - System.nanoTime()).toMillis()));
                assertThat(socket.getInputStream().read()).as("the connection is closed after the 408").isEqualTo(-1);
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void aBodyThatPausesButArrivesInTimeIsReadInFullAndItsConnectionStaysOpenLongerThanTheBodyTimeout() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            String first = eventCallback("EvPAUSED1", "{\"type\":\"message\",\"channel\":\"C0123456\","
                    + "\"channel_type\":\"channel\",\"user\":\"U0ALICE\",\"text\":\"paused\",\"ts\":\"2.1\"}");
            byte[] body = first.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(head("/slack/events", first));
            socket.getOutputStream().write(body, 0, body.length / 2);
            socket.getOutputStream().flush();
            // the client pauses for most of the body timeout: no answer meanwhile
            socket.setSoTimeout((int) (BODY_TIMEOUT.toMillis() * 3 / 4));
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            socket.getOutputStream().write(body, body.length / 2, body.length - body.length / 2);
            socket.getOutputStream().flush();
            socket.setSoTimeout((int) BODY_TIMEOUT.toMillis());
            assertThat(readAnswer(socket.getInputStream())).startsWith("HTTP/1.1 200");

            // idle between requests for longer than the body timeout: the connection stays open
            socket.setSoTimeout((int) BODY_TIMEOUT.multipliedBy(3).dividedBy(2).toMillis());
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            String second = eventCallback("EvPAUSED2", "{\"type\":\"message\",\"channel\":\"C0123456\","
                    + "\"channel_type\":\"channel\",\"user\":\"U0ALICE\",\"text\":\"again\",\"ts\":\"2.2\"}");
            socket.getOutputStream().write(head("/slack/events", second));
            socket.getOutputStream().write(second.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            socket.setSoTimeout((int) BODY_TIMEOUT.toMillis());
            assertThat(readAnswer(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    private static byte[] head(String path, String json) {
        var head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n")
                .append("Content-Type: application/json\r\n");
        slackHeaders(json).forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(json.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One answer, whose first byte must come before {@code deadline} ({@link System#nanoTime()}). */
    private static String readAnswer(Socket socket, long deadline) throws IOException {
        long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
        if (left <= 0) {
            return fail("not answered within " + BODY_TIMEOUT.multipliedBy(2));
        }
        socket.setSoTimeout((int) left);
        try {
            return readAnswer(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            return fail("not answered within " + BODY_TIMEOUT.multipliedBy(2));
        }
    }

    /** One answer on a kept-alive connection: its head and a body of its Content-Length or chunks. */
    private static String readAnswer(InputStream in) throws IOException {
        var answer = new ByteArrayOutputStream();
        while (!answer.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return fail("the connection closed before the answer's head: " + answer);
            }
            answer.write(b);
        }
        String head = answer.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        var length = Pattern.compile("content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            answer.write(in.readNBytes(Integer.parseInt(length.group(1))));
        } else if (head.contains("transfer-encoding: chunked")) {
            while (!answer.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return fail("the connection closed inside a chunked answer: " + answer);
                }
                answer.write(b);
            }
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
