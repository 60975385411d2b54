package io.chatopshub.system;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.springframework.stereotype.Component;

/**
 * Finds routes by a naming convention ({@code slack-command-scale}, {@code slack-mention-deploy},
 * {@code slack-action-runbook}) and calls them through whatever endpoint they consume from, so
 * users extend the hub by adding a YAML file with the right route id and nothing else.
 */
@Component("routeDispatcher")
public class RouteDispatcher {

    private final CamelContext camel;
    private final ProducerTemplate producer;

    RouteDispatcher(CamelContext camel, ProducerTemplate producer) {
        this.camel = camel;
        this.producer = producer;
    }

    public Optional<Route> route(String routeId) {
        return Optional.ofNullable(camel.getRoute(routeId));
    }

    /** Routes whose id starts with {@code prefix}, sorted by id. */
    public List<Route> routesWithPrefix(String prefix) {
        return camel.getRoutes().stream().filter(r -> r.getRouteId().startsWith(prefix))
                .sorted(java.util.Comparator.comparing(Route::getRouteId)).toList();
    }

    /** Sends a copy of {@code exchange} to the route and returns the result exchange (exceptions rethrown). */
    public Exchange call(Route route, Exchange exchange) {
        Exchange copy = exchange.copy();
        copy.setException(null);
        Exchange result = producer.send(route.getEndpoint(), copy);
        if (result.getException() != null) {
            throw wrap(result.getException());
        }
        return result;
    }

    /**
     * Calls the route, waiting at most {@code timeoutMillis}. Empty when it took longer; the route
     * then goes on in the background, and {@code late} gets its outcome when it ends: the result
     * exchange, or the failure (with a null exchange).
     */
    public Optional<Exchange> callWithin(Route route, Exchange exchange, long timeoutMillis,
                                         BiConsumer<Exchange, Throwable> late) {
        Exchange copy = exchange.copy();
        copy.setException(null);
        CompletableFuture<Exchange> future = producer.asyncSend(route.getEndpoint(), copy);
        try {
            Exchange result = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (result.getException() != null) {
                throw wrap(result.getException());
            }
            return Optional.of(result);
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            future.whenComplete((result, failure) -> {
                Throwable failed = failure != null ? failure : result.getException();
                late.accept(failed == null ? result : null, failed);
            });
            return Optional.empty();
        } catch (ExecutionException e) {
            throw wrap(e.getCause());
        }
    }

    private static RuntimeException wrap(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t.getMessage(), t);
    }
}
