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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hub as a real JVM, started from the jar {@code mvn package} built, so crash tests can kill
 * it with SIGKILL and start it again on the same data directory.
 */
public final class HubProcess implements AutoCloseable {

    private final List<String> command;
    private final Path log;
    private final int port;
    private final Map<String, String> environment = new java.util.HashMap<>();
    private Process process;

    public HubProcess(int port, Path log, Map<String, String> properties) {
        this(port, log, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar().toString()), properties);
    }

    private HubProcess(int port, Path log, List<String> launcher, Map<String, String> properties) {
        this.port = port;
        this.log = log;
        this.command = new ArrayList<>(launcher);
        command.add("--server.port=" + port);
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
    }

    /** The hub as production runs it: through {@code scripts/run-hub}, with the launcher's JVM settings. */
    public static HubProcess viaLauncher(int port, Path log, Map<String, String> properties) {
        jar();
        return new HubProcess(port, log, List.of(Path.of("scripts", "run-hub").toAbsolutePath().toString()), properties);
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

    /** Starts the JVM (appending to the log) and waits until readiness says UP. */
    public HubProcess start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("hub exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("hub not ready within " + timeout + "; see " + log);
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
