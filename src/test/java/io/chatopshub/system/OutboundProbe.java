package io.chatopshub.system;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.impl.DefaultCamelContext;
import org.springframework.web.client.RestClient;

import com.slack.api.Slack;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One call from each HTTP client the hub has, each to a host of its own, and one connection to an
 * address without a name: run under {@link OutboundWatch} to measure that it sees them all.
 */
final class OutboundProbe {

    /** Client to the host it calls. */
    static final Map<String, String> HOSTS = new LinkedHashMap<>();
    /** An address no name lookup precedes (TEST-NET-1). */
    static final String ADDRESS = "192.0.2.1";

    static {
        HOSTS.put("Slack SDK (OkHttp)", "slack.com");
        HOSTS.put("JDK HttpClient", "gitlab.com");
        HOSTS.put("Spring RestClient", "acme.backlog.com");
        HOSTS.put("camel-http", "management.azure.com");
        HOSTS.put("AWS SDK", "dynamodb.ap-northeast-1.amazonaws.com");
    }

    private OutboundProbe() {
    }

    public static void main(String[] args) throws Exception {
        attempt("Slack SDK (OkHttp)", () -> Slack.getInstance().methods("xoxb-0-probe").authTest(r -> r));
        attempt("JDK HttpClient", () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("https://gitlab.com/api/v4/version"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()));
        attempt("Spring RestClient", () -> RestClient.create().get().uri("https://acme.backlog.com/api/v2/space").retrieve().toBodilessEntity());
        attempt("camel-http", () -> {
            try (var camel = new DefaultCamelContext()) {
                camel.start();
                camel.createProducerTemplate().requestBody("https://management.azure.com/subscriptions?connectTimeout=3000", "");
            }
        });
        attempt("AWS SDK", () -> {
            try (var dynamo = DynamoDbClient.builder().region(Region.AP_NORTHEAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("probe", "probe")))
                    .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(5))).build()) {
                dynamo.listTables();
            }
        });
        attempt("a socket to an address", () -> {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress(ADDRESS, 443), 500);
            }
        });
        System.out.println("probe done");
        System.exit(0);
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void attempt(String client, Call call) {
        try {
            call.run();
            System.out.println(client + ": answered");
        } catch (Exception e) {
            System.out.println(client + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }
}
