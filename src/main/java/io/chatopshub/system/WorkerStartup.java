package io.chatopshub.system;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PatternHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Starts the queue workers after the hub is ready to accept requests, not before. The first
 * answer needs the inbound edge and the durable queue only; what the workers do can wait a
 * moment, because everything accepted stays on the queue until a worker takes it. Camel leaves
 * the workers stopped at start-up ({@code camel.main.auto-startup-exclude-pattern}, which
 * names their endpoints); this starts them, in a thread of its own, once Spring says the
 * application is ready. A route whose YAML says {@code autoStartup: false} itself stays stopped;
 * routes added later (a reloaded routes file) start at once as usual.
 */
@Component
class WorkerStartup implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerStartup.class);

    private final CamelContext camel;
    private final String pattern;

    WorkerStartup(CamelContext camel, @Value("${camel.main.auto-startup-exclude-pattern:}") String pattern) {
        this.camel = camel;
        this.pattern = pattern;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (pattern.isBlank()) {
            return;
        }
        Thread starter = new Thread(this::startWorkers, "chatops-worker-startup");
        starter.setDaemon(true);
        starter.start();
    }

    /** The deferred routes, in the order Camel holds them. */
    List<Route> deferredRoutes() {
        return camel.getRoutes().stream()
                .filter(r -> matches(r.getRouteId()) || matches(r.getEndpoint().getEndpointUri()))
                .filter(r -> !declaredNotToStart(r.getRouteId()))
                .toList();
    }

    private void startWorkers() {
        long start = System.nanoTime();
        // routes added from now on (a reloaded routes file) start as usual
        camel.setAutoStartupExcludePattern(null);
        int started = 0;
        for (Route route : deferredRoutes()) {
            try {
                if (!camel.getRouteController().getRouteStatus(route.getRouteId()).isStarted()) {
                    camel.getRouteController().startRoute(route.getRouteId());
                    started++;
                }
            } catch (Exception e) {
                LOG.error("worker route {} did not start: {}", route.getRouteId(), Secrets.mask(e.toString()));
            }
        }
        LOG.info("{} worker route(s) started in {} ms, after the inbound edge", started,
                (System.nanoTime() - start) / 1_000_000);
    }

    private boolean matches(String value) {
        return PatternHelper.matchPatterns(value, pattern.split(","));
    }

    private boolean declaredNotToStart(String routeId) {
        RouteDefinition definition = ((ModelCamelContext) camel).getRouteDefinition(routeId);
        return definition != null && "false".equals(definition.getAutoStartup());
    }
}
