package io.chatopshub.slack.early;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.socket.EnvelopeKind;
import io.chatopshub.slack.socket.SlackEnvelopeSink;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.Json;
import io.chatopshub.system.Secrets;
import io.chatopshub.system.inbound.Delivery;
import io.chatopshub.system.inbound.InboundEdge;

/**
 * Hands what the early edge took to the hub once it is ready, oldest first, through the seam
 * Socket Mode uses ({@link SlackEnvelopeSink}): the same kinds read it, the same claim
 * de-duplicates it, the same queues take it; what a webhook's kind read (Mackerel's, GitLab's) is
 * claimed and queued as its endpoint's route would. A slash command's answer, which Slack could not be
 * given when the early edge answered, goes to the command's {@code response_url}. A delivery
 * stays in the spool until the hub has taken it: when the hub cannot (the broker refuses), the
 * drain tries again later, 2 s and then up to a minute apart. A thread exists only while there is
 * something to hand over.
 */
public class EarlySpoolDrain implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(EarlySpoolDrain.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration LAST_RETRY = Duration.ofMinutes(1);

    private final EarlySpool spool;
    private final StartingGate gate;
    private final SlackEnvelopeSink sink;
    private final SlackClient slack;
    private final InboundEdge edge;
    private final CamelContext camel;
    private volatile ScheduledExecutorService thread;

    EarlySpoolDrain(EarlySpool spool, StartingGate gate, SlackEnvelopeSink sink, SlackClient slack, InboundEdge edge,
                    CamelContext camel) {
        this.spool = spool;
        this.gate = gate;
        this.sink = sink;
        this.slack = slack;
        this.edge = edge;
        this.camel = camel;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        gate.close();
        if (spool.waiting().isEmpty()) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "early-edge-drain");
            t.setDaemon(true);
            return t;
        });
        thread.execute(() -> drain(FIRST_RETRY));
    }

    /** Hands over everything waiting; when something could not be, tries again after {@code retry}. */
    void drain(Duration retry) {
        int handed = 0;
        for (EarlySpool.Entry entry : spool.waiting()) {
            try {
                handOver(entry);
            } catch (BadRequestException e) {
                LOG.warn("early-edge delivery {} cannot be read by the hub and is dropped: {}", entry.deliveryId(),
                        Secrets.mask(e.getMessage()));
            } catch (RuntimeException e) {
                Duration doubled = retry.multipliedBy(2);
                Duration next = doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled;
                LOG.warn("early-edge delivery {} could not be handed to the hub ({}); trying again in {} s",
                        entry.deliveryId(), Secrets.mask(String.valueOf(e)), retry.toSeconds());
                thread.schedule(() -> drain(next), retry.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            spool.remove(entry);
            handed++;
        }
        LOG.info("handed {} deliveries the early edge took to the hub", handed);
        thread.shutdown();
    }

    private void handOver(EarlySpool.Entry entry) {
        if (entry.hookPath() != null) {
            handOverHook(entry);
            return;
        }
        String answer = sink.accept(entry.kind(), entry.payload());
        if (entry.kind() != EnvelopeKind.SLASH_COMMANDS) {
            return;
        }
        String responseUrl = Json.text(Json.readObject(entry.payload()), "response_url");
        if (answer == null || answer.isBlank() || responseUrl == null) {
            return;
        }
        try {
            slack.postToUrl("response_url", responseUrl, answer);
        } catch (RuntimeException e) {
            // the command's work is queued; only its answer is lost, and saying it again would not help
            LOG.warn("the answer to early-edge delivery {} could not be sent to its response_url: {}",
                    entry.deliveryId(), Secrets.mask(String.valueOf(e)));
        }
    }

    /**
     * What a webhook's kind read goes where the endpoint's own route sends it: the route made from
     * the {@code inbound-edge} template for its path names the kind (the claim's) and the queue,
     * unless the delivery named another. The kind verified and read it when it was taken.
     */
    private void handOverHook(EarlySpool.Entry entry) {
        Map<String, Object> endpoint = camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()
                .stream().map(RouteDefinition::getTemplateParameters).filter(Objects::nonNull)
                .filter(parameters -> entry.hookPath().equals(parameters.get("path")) && parameters.get("kind") != null)
                .findFirst().orElseThrow(() -> new IllegalStateException("no route takes " + entry.hookPath()));
        String kindName = String.valueOf(endpoint.get("kind"));
        Object queue = endpoint.get("queue");
        Delivery delivery = Delivery.queued(entry.deliveryId(), entry.payload(), entry.fields(), Delivery.Answer.EMPTY_200);
        edge.queue(kindName, queue == null ? "" : queue.toString(), entry.queue() == null ? delivery : delivery.onQueue(entry.queue()));
    }

    @Override
    public void destroy() {
        ScheduledExecutorService running = thread;
        if (running != null) {
            running.shutdownNow();
        }
    }
}
