package io.chatopshub.dedup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One in-memory dynalite (an open-source, Apache-licensed DynamoDB-compatible server from npm)
 * per test JVM, started on first use on a port the OS picks and stopped when the JVM exits.
 * Tests that need a table of their own create it under a unique name.
 *
 * <p>dynalite is installed with npm into {@code src/test/dynalite} (the Maven build does it on a fresh
 * clone, profile {@code install-dynalite}; by hand: {@code npm ci --prefix src/test/dynalite}); {@code -Ddynalite.dir=…} or
 * {@code DYNALITE_DIR} points elsewhere. When it is missing the tests fail and say how to
 * install it: a DynamoDB test that skips itself would hide that the shared store is untested.
 */
public final class Dynalite {

    public static final String REGION = "us-east-1";

    /** dynalite does not check signatures; the SDK still needs a key to sign with. */
    public static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("dummykey", "dummysecret"));

    private static final long START_TIMEOUT_SECONDS = 30;

    private static URI endpoint;
    private static DynamoDbClient client;

    private Dynalite() {
    }

    /** {@code http://127.0.0.1:<port>} of the running server, starting it when needed. */
    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = start(installDirectory());
        }
        return endpoint;
    }

    /** A client shared by tests; do not close it. */
    public static synchronized DynamoDbClient client() {
        if (client == null) {
            client = newClient(endpoint());
        }
        return client;
    }

    /** A client of its own, e.g. to act as a second hub instance; the caller closes it. */
    public static DynamoDbClient newClient() {
        return newClient(endpoint());
    }

    /** A client for any endpoint with the test credentials; the caller closes it. */
    public static DynamoDbClient newClient(URI endpoint) {
        return DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS)
                .build();
    }

    /** Starts a server from an installation directory; visible for the test of a missing install. */
    static URI start(Path dir) {
        return start(dir, List.of()).endpoint();
    }

    /**
     * The compose example's table server ({@code deploy/dynalite}): {@code server.js --service}, tables kept
     * in LevelDB under {@code dataDir}, on a port the OS picks; stopped by {@link Service#stop()} (SIGTERM),
     * as a container is.
     */
    static Service startService(Path dataDir) {
        return start(installDirectory(), List.of("--service", "--port=0", "--path=" + dataDir));
    }

    /** A server started with arguments, and its process. */
    record Service(Process process, URI endpoint) {

        /** SIGTERM, then waits for the process to end; its exit code. */
        int stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("dynalite did not stop within " + START_TIMEOUT_SECONDS + " s of SIGTERM");
            }
            return process.exitValue();
        }
    }

    private static Service start(Path dir, List<String> arguments) {
        Path script = dir.resolve("server.js");
        if (!Files.isRegularFile(dir.resolve("node_modules/dynalite/package.json")) || !Files.isRegularFile(script)) {
            throw new IllegalStateException("dynalite is not installed in " + dir + ": run 'npm ci --prefix "
                    + dir + "' (Node.js 18 or later; the Maven build does this when the directory lacks node_modules), or point -Ddynalite.dir "
                    + "or DYNALITE_DIR at a directory holding server.js and node_modules/dynalite");
        }
        Process process;
        try {
            List<String> command = new ArrayList<>(List.of(node(), script.toString()));
            command.addAll(arguments);
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run Node.js (" + node() + ") for dynalite: install Node.js 18 "
                    + "or later, or set -Dnode.executable", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "dynalite-stop"));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("listening ")) {
                        return line.substring("listening ".length()).trim();
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String answer = port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (answer == null) {
                throw new IllegalStateException("dynalite exited before listening (exit code "
                        + process.waitFor() + "); its errors are above");
            }
            return new Service(process, URI.create("http://127.0.0.1:" + Integer.parseInt(answer)));
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("dynalite did not listen within " + START_TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not read dynalite's port", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting dynalite", e);
        }
    }

    private static Path installDirectory() {
        String configured = System.getProperty("dynalite.dir", System.getenv("DYNALITE_DIR"));
        return (configured == null || configured.isBlank() ? Path.of("src", "test", "dynalite") : Path.of(configured))
                .toAbsolutePath().normalize();
    }

    private static String node() {
        return System.getProperty("node.executable", "node");
    }
}
