package io.chatopshub.alerts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert pipelines the hub runs: every route that consumes from a queue named
 * {@value #QUEUE_PREFIX}{@code <name>}, which is what the alert templates do. The dispatcher
 * copies each alert to all of them in one broker transaction, so each pipeline has its own
 * durable copy and retries on its own: a Backlog outage never holds up Slack, and a redelivery
 * never repeats another pipeline's work.
 */
public class AlertPipelines {

    public static final String QUEUE_PREFIX = "chatops.alerts.pipeline.";
    private static final String ANY = "any";
    private static final Logger LOG = LoggerFactory.getLogger(AlertPipelines.class);

    private final CamelContext camel;

    public AlertPipelines(CamelContext camel) {
        this.camel = camel;
    }

    /** Pipeline name to route id, in route id order. */
    public Map<String, String> pipelines() {
        Map<String, String> out = new LinkedHashMap<>();
        routes().forEach((queue, routeIds) -> out.put(queue.substring(QUEUE_PREFIX.length()), String.join(", ", routeIds)));
        return out;
    }

    /** Endpoints the dispatcher sends every alert to. */
    public List<String> recipients() {
        List<String> recipients = routes().keySet().stream().map(queue -> "jms:queue:" + queue).toList();
        if (recipients.isEmpty()) {
            LOG.warn("No alert pipeline is defined (routes/alerts/pipelines.camel.yaml); the alert is dropped");
        }
        return recipients;
    }

    /**
     * Two routes on one pipeline queue would split its messages between them; that is a
     * configuration mistake, reported at startup.
     *
     * @throws IllegalStateException naming the pipeline and its routes
     */
    public void checkUnique() {
        routes().forEach((queue, routeIds) -> {
            if (routeIds.size() > 1) {
                throw new IllegalStateException("Alert pipeline name '" + queue.substring(QUEUE_PREFIX.length())
                        + "' is used by several routes (" + String.join(", ", routeIds)
                        + "); give each templatedRoute in routes/alerts/pipelines.camel.yaml its own 'name'");
            }
        });
    }

    /**
     * The filter of a pipeline: its {@code source} and {@code topicArns} parameters, arriving as
     * headers, against the alert's source and SNS topic. {@code any} (or blank) matches all.
     */
    public boolean accepts(Exchange exchange) {
        var in = exchange.getIn();
        return matches(in.getHeader(AlertHeaders.PIPELINE_SOURCE, String.class), in.getHeader(AlertHeaders.SOURCE, String.class))
                && matches(in.getHeader(AlertHeaders.PIPELINE_TOPIC_ARN, String.class),
                        in.getHeader(AlertHeaders.TOPIC_ARN, String.class));
    }

    static boolean matches(String wanted, String actual) {
        if (wanted == null || wanted.isBlank() || wanted.trim().equalsIgnoreCase(ANY)) {
            return true;
        }
        if (actual == null) {
            return false;
        }
        return Arrays.stream(wanted.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .anyMatch(s -> s.equals(actual.trim().toLowerCase(Locale.ROOT)));
    }

    private Map<String, List<String>> routes() {
        Map<String, List<String>> byQueue = new TreeMap<>();
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() instanceof JmsEndpoint endpoint && endpoint.getDestinationName() != null
                    && endpoint.getDestinationName().startsWith(QUEUE_PREFIX)) {
                byQueue.computeIfAbsent(endpoint.getDestinationName(), q -> new ArrayList<>()).add(route.getRouteId());
            }
        }
        byQueue.values().forEach(ids -> ids.sort(String::compareTo));
        return byQueue;
    }
}
