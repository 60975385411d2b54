package io.chatopshub.testing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.springframework.context.ApplicationContext;

import io.chatopshub.system.DeadLetterQueue;

/**
 * Waits for the event "the hub has finished the work it was given", so that a test can then
 * assert that something happened exactly once, or not at all, instead of sleeping and hoping
 * the hub was quick enough.
 *
 * <p>A hub has finished when, in one look:
 * <ul>
 * <li>every watched queue of its embedded broker is empty. The broker counts a message as queued
 * while it waits, while it is scheduled for later (a job poll, an approval's expiry, a
 * redelivery after a rollback) and while a consumer holds it, until the consumer's transaction
 * commits; so a delivery that is being worked on, or will be retried, keeps its queue from
 * being empty;</li>
 * <li>no Camel exchange is in flight (a worker between its commit and the next step, an
 * in-process retry waiting for its back-off, a timer);</li>
 * <li>no message was added to any of the hub's queues while looking: a worker that hands work
 * on to another queue commits both at once, and the look would otherwise miss it.</li>
 * </ul>
 * The dead-letter queue {@value DeadLetterQueue#QUEUE} is never required to be empty: parked
 * work stays there by design, and a test asserts on its entries.
 */
public final class HubSettled {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final String HUB_QUEUES = "chatops.";

    private HubSettled() {
    }

    /** Waits until the hub in {@code hub} has finished all work on all of its queues. */
    public static void await(ApplicationContext hub) {
        await(hub, DEFAULT_WAIT);
    }

    /** Waits until the hub has finished; fails after {@code atMost}. */
    public static void await(ApplicationContext hub, Duration atMost) {
        awaitQueues(hub, atMost);
    }

    /**
     * Waits until the hub has finished the work on {@code queues} (other queues may still hold
     * scheduled work, such as another test's approval that expires later).
     */
    public static void awaitQueues(ApplicationContext hub, Duration atMost, String... queues) {
        CamelContext camel = hub.getBean(CamelContext.class);
        ActiveMQServer broker = hub.getBean(EmbeddedActiveMQ.class).getActiveMQServer();
        Set<String> watched = Set.of(queues);
        Awaitility.await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
                .alias("the hub to finish its work (queues drained, nothing in flight)")
                .until(() -> settled(camel, broker, watched));
    }

    /**
     * Waits until the hubs using {@code broker} (a broker the test runs, shared by hub processes)
     * have finished their work: the hub's queues are empty and stay so while looking. A message a
     * hub is working on counts until its transaction commits, so work in a hub process that cannot
     * be looked into is still seen.
     */
    public static void awaitBrokerDrained(ActiveMQServer broker, Duration atMost) {
        Awaitility.await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .alias("the hubs on the shared broker to finish their work (queues drained)")
                .until(() -> settled(null, broker, Set.of()));
    }

    /** One look; {@code watched} empty means every queue of the hub; no {@code camel}: the broker only. */
    static boolean settled(CamelContext camel, ActiveMQServer broker, Set<String> watched) throws Exception {
        List<Queue> queues = hubQueues(broker);
        long addedBefore = added(queues);
        boolean drained = queues.stream()
                .filter(queue -> !queue.getName().toString().equals(DeadLetterQueue.QUEUE))
                .filter(queue -> watched.isEmpty() || watched.contains(queue.getName().toString()))
                .allMatch(queue -> queue.getMessageCount() == 0);
        boolean idle = camel == null || camel.getInflightRepository().size() == 0;
        return drained && idle && added(hubQueues(broker)) == addedBefore;
    }

    private static List<Queue> hubQueues(ActiveMQServer broker) throws Exception {
        return Stream.of(broker.getActiveMQServerControl().getQueueNames())
                .filter(name -> name.startsWith(HUB_QUEUES))
                .map(broker::locateQueue)
                .filter(Objects::nonNull)
                .toList();
    }

    private static long added(List<Queue> queues) {
        return queues.stream().mapToLong(Queue::getMessagesAdded).sum();
    }
}
