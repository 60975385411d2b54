package io.chatopshub.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;

import io.chatopshub.system.inbound.InboundKind;

/**
 * The parameters of the hub's own route templates ({@code inbound-edge} and {@code inbound-worker}
 * in routes/inbound/edge.camel.yaml), checked after the route files are
 * read and before any route starts. Without it an unknown kind answers 500 to every request, a
 * queue written as an endpoint URI creates a queue nobody consumes, a queue outside {@code chatops.}
 * works without the broker's back-off and full-disk refusal, and a consumer count that is
 * not a number fails Camel's start with a conversion trace; here each stops start-up with one line
 * naming the route, the parameter and what is expected ({@link ConfigurationFailureAnalyzer}).
 */
final class RouteTemplateCheck implements CamelContextConfiguration {

    static final String EDGE = "inbound-edge";
    /** The edge's default next step: the claim and the durable queue, which needs a queue. */
    static final String QUEUE_ROUTE = "direct:inbound-queue-delivery";
    static final String WORKER = "inbound-worker";
    /** A plain queue name: what follows {@code jms:queue:}, without a scheme, path or options. */
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Where the broker's settings for the hub's queues apply ({@link BrokerConfiguration#QUEUES}). */
    private static final String QUEUE_PREFIX = "chatops.";

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        check(camel);
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // checked before the routes started
    }

    /** @throws InvalidConfigurationException naming the first wrong parameter */
    static void check(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        if (model == null) {
            return;
        }
        List<String> configurations = new ArrayList<>();
        for (RouteConfigurationDefinition configuration : model.getRouteConfigurationDefinitions()) {
            configurations.add(configuration.getId());
        }
        for (RouteDefinition route : model.getRouteDefinitions()) {
            Map<String, Object> parameters = route.getTemplateParameters();
            if (parameters == null) {
                continue;
            }
            String template = templateOf(model, parameters);
            switch (template) {
                case EDGE -> checkEdge(camel, model, route, template, parameters);
                case WORKER -> checkWorker(camel, route, template, parameters, configurations);
                default -> {
                    // another template: checked by its owner (alert pipelines) or not at all
                }
            }
        }
    }

    /**
     * The template a route was made from. Camel keeps only its parameters (each also under its
     * dashed name), so the template is the one whose declared parameters are exactly these.
     */
    static String templateOf(Model model, Map<String, Object> parameters) {
        Set<String> names = new TreeSet<>();
        parameters.keySet().stream().filter(k -> !k.contains("-")).forEach(names::add);
        for (RouteTemplateDefinition template : model.getRouteTemplateDefinitions()) {
            Set<String> declared = new TreeSet<>();
            if (template.getTemplateParameters() != null) {
                template.getTemplateParameters().forEach(p -> declared.add(p.getName()));
            }
            if (declared.equals(names)) {
                return template.getId();
            }
        }
        return "";
    }

    private static void checkEdge(CamelContext camel, Model model, RouteDefinition route, String template,
            Map<String, Object> parameters) {
        checkKind(camel, route, template, parameters);
        String then = text(camel, parameters.getOrDefault("then", QUEUE_ROUTE));
        if (QUEUE_ROUTE.equals(then)) {
            checkQueue(camel, route, template, parameters, "queue");
            return;
        }
        List<String> inputs = model.getRouteDefinitions().stream()
                .map(r -> r.getInput() == null ? "" : r.getInput().getEndpointUri())
                .filter(uri -> uri != null && uri.startsWith("direct:")).sorted().toList();
        if (!inputs.contains(then)) {
            throw mistake(camel, route, template, "then", then, "the direct: endpoint of a route, one of " + inputs);
        }
    }

    private static void checkKind(CamelContext camel, RouteDefinition route, String template, Map<String, Object> parameters) {
        String kind = text(camel, parameters.get("kind"));
        if (kind.isEmpty() || camel.getRegistry().lookupByNameAndType(kind, InboundKind.class) == null) {
            throw mistake(camel, route, template, "kind", kind, "the name of an InboundKind bean, one of "
                    + camel.getRegistry().findByTypeWithName(InboundKind.class).keySet().stream().sorted().toList());
        }
    }

    private static void checkQueue(CamelContext camel, RouteDefinition route, String template, Map<String, Object> parameters, String name) {
        String queue = text(camel, parameters.get(name));
        if (!QUEUE.matcher(queue).matches()) {
            throw mistake(camel, route, template, name, queue, "a queue name such as chatops.alerts (letters, digits, '.', '-' and '_'; "
                    + "no jms:queue: prefix, no options)");
        }
        if (!queue.startsWith(QUEUE_PREFIX)) {
            throw mistake(camel, route, template, name, queue, "a queue under " + QUEUE_PREFIX + " such as " + QUEUE_PREFIX + queue
                    + " (the broker's settings for the hub's queues, " + BrokerConfiguration.QUEUES
                    + ": redelivery back-off, dead letters, refusal when the disk is full, apply to those only)");
        }
    }

    private static void checkWorker(CamelContext camel, RouteDefinition route, String template, Map<String, Object> parameters,
            List<String> configurations) {
        checkQueue(camel, route, template, parameters, "queue");
        String bean = text(camel, parameters.get("bean"));
        if (bean.isEmpty() || camel.getRegistry().lookupByName(bean) == null) {
            throw mistake(camel, route, template, "bean", bean, "the name of a bean that does the work");
        }
        int concurrent = count(camel, route, template, parameters, "concurrentConsumers");
        int max = count(camel, route, template, parameters, "maxConcurrentConsumers");
        if (max < concurrent) {
            throw mistake(camel, route, template, "maxConcurrentConsumers", String.valueOf(max),
                    "at least concurrentConsumers (" + concurrent + ")");
        }
        String errorHandling = text(camel, parameters.get("errorHandling"));
        if (!errorHandling.isEmpty() && !configurations.contains(errorHandling)) {
            throw mistake(camel, route, template, "errorHandling", errorHandling, "the id of a routeConfiguration, one of "
                    + configurations.stream().sorted().toList());
        }
    }

    private static int count(CamelContext camel, RouteDefinition route, String template, Map<String, Object> parameters, String name) {
        String value = text(camel, parameters.getOrDefault(name, "1"));
        if (!ConfigurationCheck.isConsumerCount(value)) {
            throw mistake(camel, route, template, name, value, ConfigurationCheck.CONSUMERS_EXPECTED);
        }
        return Integer.parseInt(value);
    }

    static InvalidConfigurationException mistake(CamelContext camel, RouteDefinition route, String template, String parameter, String value,
            String expected) {
        return new InvalidConfigurationException(ConfigurationCheck.routeLocation(camel, route.getRouteId())
                + "templatedRoute " + route.getRouteId() + " (" + template + ") parameter '" + parameter + "' is "
                + (value.isEmpty() ? "not set" : "'" + value + "'") + ": expected "
                + expected);
    }

    private static String text(CamelContext camel, Object value) {
        return ConfigurationCheck.templateParameter(camel, value);
    }
}
