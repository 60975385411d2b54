package io.chatopshub.dedup;

import ch.qos.logback.classic.Level;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One in-memory DynamoDB Local per test JVM, started on first use on a free port and stopped
 * when the JVM exits. Tests that need a table of their own create it under a unique name; the
 * server runs with {@code -sharedDb}, so every client sees the same tables whatever its
 * credentials and region.
 */
public final class DynamoDbLocal {

    public static final String REGION = "us-east-1";

    /** DynamoDB Local accepts any key made of letters and digits. */
    public static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("dummykey", "dummysecret"));

    private static URI endpoint;
    private static DynamoDbClient client;

    private DynamoDbLocal() {
    }

    /** {@code http://127.0.0.1:<port>} of the running server, starting it when needed. */
    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = start();
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

    /** A client for any endpoint with DynamoDB Local's credentials; the caller closes it. */
    public static DynamoDbClient newClient(URI endpoint) {
        return DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS)
                .build();
    }

    private static URI start() {
        useBuiltNativeLibraries();
        quietServerLogs();
        Exception last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "dynamodb-local-stop"));
                return URI.create("http://127.0.0.1:" + port);
            } catch (Exception portTakenMeanwhile) {
                last = portTakenMeanwhile;
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start", last);
    }

    /**
     * The build copies sqlite4java's natives to {@code target/native-libs} and Surefire points
     * {@code sqlite4java.library.path} there; this covers runs that bypass Surefire (an IDE).
     */
    private static void useBuiltNativeLibraries() {
        if (System.getProperty("sqlite4java.library.path") == null) {
            Path natives = Path.of("target", "native-libs").toAbsolutePath();
            if (!Files.isDirectory(natives)) {
                throw new IllegalStateException(natives + " is missing: run the Maven build once "
                        + "(generate-test-resources copies sqlite4java's native libraries there)");
            }
            System.setProperty("sqlite4java.library.path", natives.toString());
        }
    }

    /** DynamoDB Local logs every request, and every lost conditional write as a warning. */
    private static void quietServerLogs() {
        for (String name : new String[] {"com.amazonaws.services.dynamodbv2", "org.eclipse.jetty", "com.almworks"}) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(Level.ERROR);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stop(DynamoDBProxyServer server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // the JVM is exiting anyway
        }
    }
}
