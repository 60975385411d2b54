package io.chatopshub.alerts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chatopshub.system.ConfigurationCheck;
import io.chatopshub.system.InvalidConfigurationException;

/**
 * The alert pipelines the hub runs: every route that consumes from a queue named
 * {@value #QUEUE_PREFIX}{@code <name>}, which is what the alert templates do. The dispatcher
 * copies each alert to every pipeline whose {@code source} and {@code topicArns} parameters take
 * it, in one broker transaction, so each pipeline has its own durable copy and retries on its
 * own: a Backlog outage never holds up Slack, and a redelivery never repeats another pipeline's
 * work.
 */
public class AlertPipelines {

    public static final String QUEUE_PREFIX = "chatops.alerts.pipeline.";
    /** The JMS message group header; Artemis keeps a group on one consumer at a time. */
    public static final String GROUP_ID = "JMSXGroupID";
    private static final String ANY = "any";
    /** Public, private, and shared channel ids, and direct-message ids. */
    private static final String CHANNEL_ID = "[CGD][A-Z0-9]{2,}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}:]+)(?::[^}]*)?}}");
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

    /**
     * Endpoints the dispatcher sends an alert, a Mackerel sample or a ticket event to: the queue of
     * every pipeline whose {@code source} and {@code topicArns} parameters take the message's
     * {@value AlertHeaders#SOURCE} and {@value AlertHeaders#TOPIC_ARN} (the same test a pipeline
     * applies to what it receives, {@link #accepts}), so no pipeline gets a durable copy only to
     * drop it. A message without a source, and a pipeline whose route is not made from a template,
     * get every copy as before. The copies carry the incident as their JMS message group
     * ({@value #GROUP_ID}), so each pipeline's consumers take one incident's notifications one after
     * another, in order, while different incidents go to different consumers in parallel; events
     * that belong to no incident get no group.
     */
    public List<String> recipients(Exchange exchange) {
        var in = exchange.getIn();
        String group = incidentGroup(in.getBody(String.class));
        if (group == null) {
            in.removeHeader(GROUP_ID);
        } else {
            in.setHeader(GROUP_ID, group);
        }
        String source = in.getHeader(AlertHeaders.SOURCE, String.class);
        String topic = in.getHeader(AlertHeaders.TOPIC_ARN, String.class);
        Map<String, List<String>> pipelines = routes();
        if (pipelines.isEmpty()) {
            LOG.warn("No alert pipeline is defined (routes/alerts/pipelines.camel.yaml); the alert is dropped");
            return List.of();
        }
        List<String> recipients = pipelines.entrySet().stream()
                .filter(pipeline -> source == null || pipeline.getValue().stream().anyMatch(routeId -> takes(routeId, source, topic)))
                .map(pipeline -> "jms:queue:" + pipeline.getKey())
                .toList();
        if (recipients.isEmpty()) {
            LOG.warn("No alert pipeline takes {} alerts{} (parameters source and topicArns in routes/alerts/pipelines.camel.yaml);"
                    + " the {} is not delivered", source, topic == null ? "" : " of SNS topic " + topic,
                    in.getHeader(AlertHeaders.EVENT, "message", String.class));
        }
        return recipients;
    }

    /**
     * Whether the pipeline route {@code routeId}, by its template parameters, takes this source and
     * topic; a route without them (not made from a template) takes everything.
     */
    private boolean takes(String routeId, String source, String topic) {
        Map<String, Object> parameters = templateParameters(routeId);
        return matches(ConfigurationCheck.templateParameter(camel, parameters.get("source")), source)
                && matches(ConfigurationCheck.templateParameter(camel, parameters.get("topicArns")), topic);
    }

    /**
     * Two routes on one pipeline queue would split its messages between them; that is a
     * configuration mistake, reported before any route starts.
     *
     * @throws InvalidConfigurationException naming the pipeline and its routes
     */
    public void checkUnique() {
        definedPipelines().forEach((queue, definitions) -> {
            if (definitions.size() > 1) {
                throw new InvalidConfigurationException(where(definitions.get(0)) + "alert pipeline name '"
                        + queue.substring(QUEUE_PREFIX.length()) + "' is used by several routes ("
                        + String.join(", ", definitions.stream().map(RouteDefinition::getRouteId).toList())
                        + "): expected each templatedRoute its own 'name'");
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

    /** {@code <source>:<key>} of an alert or ticket event, null for anything else (Mackerel's sample). */
    static String incidentGroup(String body) {
        if (body == null || body.isBlank() || body.charAt(0) != '{') {
            return null;
        }
        try {
            Alert alert = AlertJson.read(body);
            return alert.source().id() + ":" + alert.key();
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
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

    /**
     * The parameters of every pipeline, checked for their type before any route starts: Backlog ids
     * are numbers, a channel is a Slack channel id, the consumers a number from 1 to 64. A pipeline
     * that would fail every alert is a configuration mistake; all of them are reported in one line.
     *
     * @throws InvalidConfigurationException naming the file, the pipeline, the parameter and what it should be
     */
    public void checkParameters() {
        List<String> problems = new ArrayList<>();
        for (List<RouteDefinition> definitions : definedPipelines().values()) {
            for (RouteDefinition definition : definitions) {
                String routeId = definition.getRouteId();
                Map<String, Object> parameters = definition.getTemplateParameters();
                String pipeline = text(parameters.getOrDefault("name", routeId));
                String where = where(definition);
                for (String id : List.of("projectId", "issueTypeId", "priorityId")) {
                    String value = text(parameters.get(id));
                    if (!value.isEmpty() && !value.matches("[0-9]{1,18}")) {
                        problems.add(problem(where, pipeline, routeId, id, value,
                                "a numeric Backlog id, or empty for the configured one"));
                    }
                }
                String channel = text(parameters.get("channel"));
                if (!channel.isEmpty() && !channel.matches(CHANNEL_ID)) {
                    problems.add(problem(where, pipeline, routeId, "channel", channel,
                            "a Slack channel id such as C0123456 (not a #name), or empty for chatops.slack.alert-channel"));
                }
                String consumers = text(parameters.get("consumers"));
                if (!consumers.isEmpty() && !ConfigurationCheck.isConsumerCount(consumers)) {
                    problems.add(problem(where, pipeline, routeId, "consumers", consumers, ConfigurationCheck.CONSUMERS_EXPECTED));
                }
                String source = text(parameters.get("source"));
                if (!source.isEmpty() && !Arrays.stream(source.split(",")).map(v -> v.trim().toLowerCase(Locale.ROOT))
                        .allMatch(v -> v.equals(ANY) || v.equals("mackerel") || v.equals("cloudwatch"))) {
                    problems.add(problem(where, pipeline, routeId, "source", source,
                            "any, mackerel or cloudwatch (comma-separated)"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(String.join("; ", problems));
        }
    }

    /**
     * The pipelines as the route files define them, before any route exists: every templated route
     * whose input is a queue named {@value #QUEUE_PREFIX}{@code <name>} once its parameters are filled in.
     */
    private Map<String, List<RouteDefinition>> definedPipelines() {
        Map<String, List<RouteDefinition>> byQueue = new TreeMap<>();
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        if (model == null) {
            return byQueue;
        }
        for (RouteDefinition definition : model.getRouteDefinitions()) {
            Map<String, Object> parameters = definition.getTemplateParameters();
            if (parameters == null || definition.getInput() == null || definition.getInput().getEndpointUri() == null) {
                continue;
            }
            Matcher placeholder = PLACEHOLDER.matcher(definition.getInput().getEndpointUri());
            String uri = placeholder.replaceAll(m -> Matcher.quoteReplacement(text(parameters.getOrDefault(m.group(1), ""))));
            String queue = uri.replaceFirst("^jms:(queue:)?", "").replaceFirst("\\?.*$", "");
            if (uri.startsWith("jms:") && queue.startsWith(QUEUE_PREFIX)) {
                byQueue.computeIfAbsent(queue, q -> new ArrayList<>()).add(definition);
            }
        }
        byQueue.values().forEach(ids -> ids.sort(java.util.Comparator.comparing(RouteDefinition::getRouteId)));
        return byQueue;
    }

    /** The route file and line of a templated route, as {@code <file> line <n>: }, when it can be found. */
    private String where(RouteDefinition definition) {
        return ConfigurationCheck.routeLocation(camel, definition.getRouteId());
    }

    /**
     * Where a pipeline delivers, for people: {@code Backlog project 10} or {@code Slack channel C0123456}.
     * Blank parameters stand for the configured defaults.
     */
    public String destination(String routeId, String defaultProject, String defaultChannel) {
        Map<String, Object> parameters = templateParameters().getOrDefault(routeId, Map.of());
        if (parameters.containsKey("projectId")) {
            String project = text(parameters.get("projectId"));
            return "Backlog project " + (project.isEmpty() ? defaultProject : project);
        }
        String channel = text(parameters.get("channel"));
        return "Slack channel " + (channel.isEmpty() ? defaultChannel : channel);
    }

    /** The pipeline's name parameter, or the route id. */
    public String name(String routeId) {
        return text(templateParameters().getOrDefault(routeId, Map.of()).getOrDefault("name", routeId));
    }

    private Map<String, Map<String, Object>> templateParameters() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (List<String> routeIds : routes().values()) {
            for (String routeId : routeIds) {
                out.put(routeId, templateParameters(routeId));
            }
        }
        return out;
    }

    /** The template parameters the route was made with; none for a route not made from a template. */
    private Map<String, Object> templateParameters(String routeId) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        RouteDefinition definition = model == null ? null : model.getRouteDefinition(routeId);
        Map<String, Object> parameters = definition == null ? null : definition.getTemplateParameters();
        return parameters == null ? Map.of() : parameters;
    }

    private static String problem(String where, String pipeline, String routeId, String parameter, String value,
            String expected) {
        return where + "alert pipeline '" + pipeline + "' (route " + routeId + ") parameter '" + parameter + "' is '" + value
                + "': expected " + expected;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString().trim();
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
