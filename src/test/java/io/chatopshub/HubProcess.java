package io.chatopshub;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The hub as a real JVM, started from the jar {@code mvn package} built, so crash tests can kill
 * it with SIGKILL and start it again on the same data directory.
 */
public final class HubProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> command;
    private final Path log;
    private final int port;
    private final Map<String, String> environment = new java.util.HashMap<>();
    private Process process;

    private HubProcess(int port, Path log, List<String> launcher, Map<String, String> properties) {
        this.port = port;
        this.log = log;
        this.command = new ArrayList<>(launcher);
        command.add("--server.port=" + port);
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
    }

    /**
     * The hub as production runs it: through {@code scripts/run-hub}, with the launcher's JVM settings
     * and its start-up cache, made once per test JVM as production makes it after a build
     * ({@link #launcherCache()}).
     */
    public static HubProcess viaLauncher(int port, Path log, Map<String, String> properties) {
        jar();
        launcherCache();
        return new HubProcess(port, log, List.of(launcher().toString()), properties);
    }

    private static Path launcherCacheLog;

    /**
     * Runs {@code scripts/run-hub --build-cache} once (a training start that writes the JDK 25 AOT
     * cache, or on JDK 17 a class-data sharing archive, next to the extracted jar) and returns its
     * output; a launcher that cannot make its cache fails every test that starts a hub through it.
     */
    public static synchronized Path launcherCache() {
        if (launcherCacheLog != null) {
            return launcherCacheLog;
        }
        try {
            Path output = Files.createTempFile(Path.of("target"), "run-hub-cache-", ".log");
            Process training = new ProcessBuilder(launcher().toString(), "--build-cache").redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!training.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
                training.destroyForcibly();
                throw new IllegalStateException("scripts/run-hub --build-cache did not finish in 5 minutes; see " + output);
            }
            if (training.exitValue() != 0) {
                throw new IllegalStateException("scripts/run-hub --build-cache failed: " + Files.readString(output));
            }
            launcherCacheLog = output;
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path launcher() {
        return Path.of("scripts", "run-hub").toAbsolutePath();
    }

    /** Environment variables for the JVM (e.g. AWS credentials for the DynamoDB test server), set before {@link #start}. */
    public HubProcess withEnvironment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    /** The executable jar in target/, built by the package phase before integration tests run. */
    public static Path jar() {
        File[] jars = new File("target").listFiles(
                f -> f.getName().startsWith("chatops-hub-") && f.getName().endsWith(".jar") && !f.getName().endsWith("-plain.jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("target/chatops-hub-*.jar not found: run ./mvnw verify");
        }
        return jars[0].toPath().toAbsolutePath();
    }

    public static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts the JVM (appending to the log) and waits until readiness says UP.
     *
     * <p>Readiness is asked every 250 ms: another process cannot tell this one when it is ready,
     * and its readiness endpoint is what a load balancer asks too. The wait ends at once when the
     * process exits.
     */
    public HubProcess start(Duration timeout) throws IOException, InterruptedException {
        launch();
        HttpClient http = HttpClient.newHttpClient();
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("hub exited with " + process.exitValue() + "; see " + log);
                        }
                        return ready(http);
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("hub not ready within " + timeout + "; see " + log);
        }
        return this;
    }

    /** Starts the JVM (appending to the log) and returns at once. */
    public HubProcess launch() throws IOException {
        Files.createDirectories(log.getParent());
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        return this;
    }

    /** Waits for the JVM to exit by itself (a hub that refuses its configuration) and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("hub still running after " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private boolean ready(HttpClient http) throws InterruptedException {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * The delivery lines the hub logged so far (logger {@code io.chatopshub.Delivery}, plain or
     * JSON), each as its fields: route, delivery_id, outcome, attempt, ...
     */
    public List<Map<String, String>> deliveries() throws IOException {
        List<Map<String, String>> deliveries = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String message;
            if (line.startsWith("{") && line.contains("\"io.chatopshub.Delivery\"")) {
                message = JSON.readTree(line).path("message").asText();
            } else if (line.contains(" io.chatopshub.Delivery ") && line.contains(" : delivery ")) {
                message = line.substring(line.indexOf(" : delivery ") + 3);
            } else {
                continue;
            }
            Map<String, String> fields = new HashMap<>();
            for (String token : message.split(" ")) {
                int eq = token.indexOf('=');
                if (eq > 0) {
                    fields.put(token.substring(0, eq), token.substring(eq + 1));
                }
            }
            deliveries.add(fields);
        }
        return deliveries;
    }

    /** Waits until the hub has logged that {@code route} ended the delivery {@code deliveryId} with {@code outcome}. */
    public void awaitDelivery(String route, String deliveryId, String outcome, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .alias(route + " logging " + deliveryId + " as " + outcome)
                .until(() -> deliveries().stream().anyMatch(d -> route.equals(d.get("route"))
                        && deliveryId.equals(d.get("delivery_id")) && outcome.equals(d.get("outcome"))));
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
