package io.chatopshub.alerts;

import io.chatopshub.alerts.GroupingState.Digest;
import io.chatopshub.alerts.GroupingState.Group;
import io.chatopshub.alerts.GroupingState.MessageRef;
import io.chatopshub.alerts.GroupingState.Window;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.Json;
import io.chatopshub.system.TransientFailureException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts into a Slack channel, grouped the way Prometheus Alertmanager groups them.
 *
 * <p>The first alert for a channel opens a window of {@code group-wait}; the alerts that arrive
 * in it are collected. When the window closes, up to {@code group-threshold} alerts are posted one
 * by one; more become one digest message. While a digest is open, new alerts and recoveries join
 * it and the message is updated at most every {@code group-interval}; a digest that saw no change
 * for a whole interval is closed for new alerts (its incidents still update it when they recover).
 *
 * <p>Each alert has its own message otherwise: a later status of the same incident updates it and
 * replies in its thread, so does the recovery; the Backlog ticket link is added once known.
 *
 * <p>All of it is kept in the {@link StateStore} and changed by compare-and-set, and the window
 * and digest timers are broker messages delivered later ({@code _AMQ_SCHED_DELIVERY}) onto the
 * pipeline's own queue, so a restart or a second instance loses nothing. Work is done
 * call-first, record-second: a crash can repeat one Slack call, never skip one. Timer messages
 * may arrive twice; each handler checks the state before acting.
 */
public class SlackAlerts {

    static final Duration GROUP_TTL = Duration.ofDays(1);
    static final Duration MESSAGE_TTL = Duration.ofDays(7);
    private static final int MAX_ROUNDS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(SlackAlerts.class);

    /** Sends the timer messages; {@code atMillis} is when the broker delivers them. */
    @FunctionalInterface
    public interface TickScheduler {
        void schedule(String queue, String tick, String channel, String group, long atMillis);
    }

    private final StateStore store;
    private final AlertSender sender;
    private final TicketLinks tickets;
    private final AlertsProperties properties;
    private final TickScheduler ticks;
    private final Clock clock;

    public SlackAlerts(StateStore store, AlertSender sender, TicketLinks tickets, AlertsProperties properties,
            TickScheduler ticks, Clock clock) {
        this.store = store;
        this.sender = sender;
        this.tickets = tickets;
        this.properties = properties;
        this.ticks = ticks;
        this.clock = clock;
    }

    // ---- entry points of the alert-to-slack template ----

    /** A new alert for the pipeline's channel. */
    public void admit(Exchange exchange) {
        admit(AlertJson.read(exchange.getIn().getBody(String.class)), channel(exchange), queue(exchange));
    }

    /** A timer message of a window or digest. */
    public void tick(Exchange exchange) {
        String channel = channel(exchange);
        String group = exchange.getIn().getHeader(AlertHeaders.GROUP, String.class);
        String queue = queue(exchange);
        if (AlertHeaders.FLUSH.equals(exchange.getIn().getHeader(AlertHeaders.TICK, String.class))) {
            flush(channel, group == null ? -1 : Long.parseLong(group), queue);
        } else {
            refresh(channel, group, queue);
        }
    }

    /** A ticket was opened for an alert: link it from the alert's message. */
    public void ticketKnown(Exchange exchange) {
        Alert alert = AlertJson.read(exchange.getIn().getBody(String.class));
        String channel = channel(exchange);
        String issueKey = exchange.getIn().getHeader(AlertHeaders.TICKET_KEY, String.class);
        String url = exchange.getIn().getHeader(AlertHeaders.TICKET_URL, String.class);
        if (issueKey == null || !sender.canUpdate()) {
            return;
        }
        MessageRef ref = ref(channel, alert);
        if (ref == null || ref.ts() == null || ref.digestId() != null || issueKey.equals(ref.ticketKey())) {
            return;
        }
        sender.update(ref.channel(), ref.ts(), AlertMessages.alert(ref.alert(), issueKey, url));
        putRef(channel, new MessageRef(ref.channel(), ref.ts(), null, ref.alert(), issueKey));
    }

    /** The Mackerel test button: announced at once, outside any grouping. */
    public void sample(Exchange exchange) {
        String channel = channel(exchange);
        String delivery = exchange.getIn().getHeader("ChatopsDeliveryId", String.class);
        String marker = "alerts:sample:" + channel + ":" + delivery;
        if (delivery != null && store.get(marker).isPresent()) {
            return;
        }
        String message = Optional.ofNullable(Json.readObject(exchange.getIn().getBody(String.class))
                .path("message").textValue()).orElse(null);
        sender.post(channel, null, AlertMessages.sample(message));
        if (delivery != null) {
            store.put(marker, "1", GROUP_TTL);
        }
    }

    // ---- grouping ----

    void admit(Alert alert, String channel, String queue) {
        Alert slim = slim(alert);
        MessageRef ref = ref(channel, alert);
        boolean openInDigest = ref != null && ref.digestId() != null && ref.alert() != null
                && (ref.alert().status() != AlertStatus.OK || alert.status() == AlertStatus.OK);
        if (openInDigest && join(channel, ref.digestId(), slim, queue)) {
            return;
        }
        Group group = group(channel);
        if (group.openDigest() != null && group.pendingDigest().isEmpty() && join(channel, group.openDigest(), slim, queue)) {
            return;
        }
        long now = clock.millis();
        var outcome = new Object() {
            boolean opened;
            boolean repeated;
        };
        Group after = updateGroup(channel, g -> {
            outcome.opened = false;
            outcome.repeated = false;
            if (!g.pendingDigest().isEmpty()) {
                var merged = GroupingState.merge(g.pendingDigest(), slim);
                outcome.repeated = merged.alreadyThere();
                return merged.changed() ? g.withPendingDigest(merged.incidents()) : g;
            }
            Window w = g.window();
            if (w == null) {
                outcome.opened = true;
                return g.withWindow(new Window(now, false, List.of(slim)));
            }
            if (w.contains(slim.dedupKey())) {
                outcome.repeated = true;
                return g;
            }
            return g.withWindow(w.add(slim, properties.groupThreshold()));
        });
        Window window = after.window();
        if (window == null) {
            if (outcome.repeated) {
                ticks.schedule(queue, AlertHeaders.FLUSH, channel, "-1", now);
            }
            return;
        }
        long due = window.start() + properties.groupWait().toMillis();
        if (outcome.opened || outcome.repeated || now > due + properties.groupWait().toMillis()) {
            ticks.schedule(queue, AlertHeaders.FLUSH, channel, Long.toString(window.start()), Math.max(now, due));
        }
    }

    /** Joins an existing digest; false when there is none by that id. */
    private boolean join(String channel, String digestId, Alert alert, String queue) {
        String key = digestKey(channel, digestId);
        long now = clock.millis();
        var outcome = new Object() {
            boolean changed;
            boolean repeated;
            boolean planned;
        };
        Digest after = update(key, Digest.class, d -> {
            outcome.changed = false;
            outcome.repeated = false;
            outcome.planned = false;
            if (d == null) {
                return null;
            }
            var merged = GroupingState.merge(d.incidents(), alert);
            outcome.repeated = merged.alreadyThere();
            if (!merged.changed()) {
                return d;
            }
            outcome.changed = true;
            long refreshAt = d.refreshAt();
            if (refreshAt == 0) {
                refreshAt = Math.max(now, d.lastUpdate() + properties.groupInterval().toMillis());
                outcome.planned = true;
            }
            return new Digest(d.id(), d.channel(), d.ts(), merged.incidents(), d.version() + 1, d.shown(), d.lastUpdate(),
                    refreshAt);
        }, MESSAGE_TTL);
        if (after == null) {
            return false;
        }
        boolean overdue = after.refreshAt() != 0 && now > after.refreshAt() + properties.groupInterval().toMillis();
        if (after.dirty() && (outcome.planned || outcome.repeated || overdue)) {
            ticks.schedule(queue, AlertHeaders.REFRESH, channel, digestId, after.refreshAt());
        }
        if (outcome.changed || outcome.repeated) {
            putRef(channel, new MessageRef(after.channel(), after.ts(), digestId, alert, null));
        }
        return true;
    }

    void flush(String channel, long windowStart, String queue) {
        updateGroup(channel, g -> {
            Window w = g.window();
            if (w == null || w.start() != windowStart) {
                return g;
            }
            if (w.storm()) {
                List<Alert> pending = g.pendingDigest();
                for (Alert a : w.alerts()) {
                    pending = GroupingState.merge(pending, a).incidents();
                }
                return g.withWindow(null).withPendingDigest(pending);
            }
            List<Alert> outbox = new ArrayList<>(g.outbox());
            outbox.addAll(w.alerts());
            return g.withWindow(null).withOutbox(outbox);
        });
        finishPending(channel, queue);
    }

    /** Posts a digest decided on and the alerts waiting to be posted one by one. */
    private void finishPending(String channel, String queue) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Group group = group(channel);
            List<Alert> incidents = group.pendingDigest();
            if (incidents.isEmpty()) {
                break;
            }
            String open = group.openDigest();
            if (open != null && store.get(digestKey(channel, open)).isPresent()) {
                incidents.forEach(a -> join(channel, open, a, queue));
            } else {
                openDigest(channel, incidents, queue);
            }
            updateGroup(channel, g -> {
                List<Alert> left = new ArrayList<>(g.pendingDigest());
                left.removeIf(a -> incidents.stream().anyMatch(done -> done.dedupKey().equals(a.dedupKey())));
                return g.withPendingDigest(left);
            });
        }
        for (int round = 0; round < 10_000; round++) {
            Group current = group(channel);
            if (current.outbox().isEmpty()) {
                return;
            }
            Alert next = current.outbox().get(0);
            deliver(channel, next);
            updateGroup(channel, g -> {
                if (g.outbox().isEmpty() || !g.outbox().get(0).dedupKey().equals(next.dedupKey())) {
                    return g;
                }
                return g.withOutbox(g.outbox().subList(1, g.outbox().size()));
            });
        }
    }

    private void openDigest(String channel, List<Alert> incidents, String queue) {
        String id = UUID.randomUUID().toString();
        AlertSender.Sent sent = sender.post(channel, null, digestMessage(incidents));
        long now = clock.millis();
        long next = now + properties.groupInterval().toMillis();
        store.put(digestKey(channel, id), GroupingState.write(new Digest(id, sent.channel(), sent.ts(), incidents, 1, 1,
                now, next)), MESSAGE_TTL);
        for (Alert alert : incidents) {
            putRef(channel, new MessageRef(sent.channel(), sent.ts(), id, alert, null));
        }
        updateGroup(channel, g -> g.withOpenDigest(id));
        ticks.schedule(queue, AlertHeaders.REFRESH, channel, id, next);
        LOG.info("Alert storm in {}: {} incidents grouped into one digest", channel, incidents.size());
    }

    void refresh(String channel, String digestId, String queue) {
        String key = digestKey(channel, digestId);
        Digest digest = store.get(key).map(v -> GroupingState.read(v, Digest.class)).orElse(null);
        if (digest == null) {
            return;
        }
        long now = clock.millis();
        long interval = properties.groupInterval().toMillis();
        if (!digest.dirty()) {
            Digest idle = update(key, Digest.class, d -> d == null || d.dirty() ? d
                    : new Digest(d.id(), d.channel(), d.ts(), d.incidents(), d.version(), d.shown(), d.lastUpdate(), 0),
                    MESSAGE_TTL);
            if (idle != null && idle.dirty()) {
                ticks.schedule(queue, AlertHeaders.REFRESH, channel, digestId, Math.max(now, idle.lastUpdate() + interval));
                return;
            }
            updateGroup(channel, g -> digestId.equals(g.openDigest()) ? g.withOpenDigest(null) : g);
            return;
        }
        if (now < digest.lastUpdate() + interval) {
            ticks.schedule(queue, AlertHeaders.REFRESH, channel, digestId, digest.lastUpdate() + interval);
            return;
        }
        SlackAlertMessage message = digestMessage(digest.incidents());
        String ts = digest.ts();
        String postedChannel = digest.channel();
        if (sender.canUpdate() && ts != null) {
            sender.update(digest.channel(), ts, message);
        } else {
            AlertSender.Sent sent = sender.post(channel, null, message);
            ts = sent.ts();
            postedChannel = sent.channel();
        }
        long shownVersion = digest.version();
        long next = now + interval;
        String newTs = ts;
        String newChannel = postedChannel;
        update(key, Digest.class, d -> d == null ? null
                : new Digest(d.id(), newChannel, newTs, d.incidents(), d.version(), Math.max(d.shown(), shownVersion), now,
                        next), MESSAGE_TTL);
        ticks.schedule(queue, AlertHeaders.REFRESH, channel, digestId, next);
    }

    // ---- one alert, one message ----

    /**
     * Posts one alert, or applies it to the message its incident already has: a new status
     * updates that message and is replied in its thread; a repeat of the status shown only
     * updates it. An incident that recovered starts a new message when it fires again.
     */
    void deliver(String channel, Alert alert) {
        MessageRef ref = ref(channel, alert);
        if (ref != null && ref.alert() != null && ref.alert().dedupKey().equals(alert.dedupKey())) {
            return;
        }
        Optional<TicketLinks.Link> ticket = tickets.find(alert);
        String ticketKey = ticket.map(TicketLinks.Link::key).orElse(null);
        SlackAlertMessage message = AlertMessages.alert(alert, ticketKey, ticket.map(TicketLinks.Link::url).orElse(null));
        boolean openIncident = ref != null && ref.ts() != null && ref.digestId() == null && ref.alert() != null
                && ref.alert().status() != AlertStatus.OK;
        if (openIncident && sender.canUpdate()) {
            if (!GroupingState.isLater(alert, ref.alert())) {
                return;
            }
            sender.update(ref.channel(), ref.ts(), message);
            if (alert.status() != ref.alert().status()) {
                sender.post(ref.channel(), ref.ts(), message);
            }
            putRef(channel, new MessageRef(ref.channel(), ref.ts(), null, alert, ticketKey));
        } else {
            AlertSender.Sent sent = sender.post(channel, null, message);
            putRef(channel, new MessageRef(sent.channel(), sent.ts(), null, alert, ticketKey));
            ref = new MessageRef(sent.channel(), sent.ts(), null, alert, ticketKey);
        }
        if (ticketKey == null && sender.canUpdate()) {
            MessageRef posted = ref(channel, alert);
            Optional<TicketLinks.Link> late = tickets.find(alert);
            if (posted != null && posted.ts() != null && late.isPresent()) {
                sender.update(posted.channel(), posted.ts(), AlertMessages.alert(alert, late.get().key(), late.get().url()));
                putRef(channel, new MessageRef(posted.channel(), posted.ts(), null, alert, late.get().key()));
            }
        }
    }

    private SlackAlertMessage digestMessage(List<Alert> incidents) {
        return AlertMessages.digest(incidents);
    }

    // ---- state ----

    private Group group(String channel) {
        return store.get(groupKey(channel)).map(v -> GroupingState.read(v, Group.class)).orElse(Group.EMPTY);
    }

    private Group updateGroup(String channel, UnaryOperator<Group> change) {
        Group after = update(groupKey(channel), Group.class, g -> change.apply(g == null ? Group.EMPTY : g), GROUP_TTL);
        return after == null ? Group.EMPTY : after;
    }

    /** Compare-and-set loop; a change that returns its input (or null) writes nothing. */
    private <T> T update(String key, Class<T> type, UnaryOperator<T> change, Duration ttl) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<String> current = store.get(key);
            T value = current.map(v -> GroupingState.read(v, type)).orElse(null);
            T next = change.apply(value);
            if (next == null || next.equals(value)) {
                return next;
            }
            String json = GroupingState.write(next);
            boolean written = current.isEmpty() ? store.claim(key, json, ttl) : store.replace(key, current.get(), json, ttl);
            if (written) {
                return next;
            }
        }
        throw new TransientFailureException("alert state " + key + " kept changing", Duration.ofSeconds(1));
    }

    private MessageRef ref(String channel, Alert alert) {
        return store.get(refKey(channel, alert)).map(v -> GroupingState.read(v, MessageRef.class)).orElse(null);
    }

    private void putRef(String channel, MessageRef ref) {
        store.put(refKey(channel, ref.alert()), GroupingState.write(ref), MESSAGE_TTL);
    }

    private static String groupKey(String channel) {
        return "alerts:group:" + channel;
    }

    private static String digestKey(String channel, String id) {
        return "alerts:digest:" + channel + ":" + id;
    }

    private static String refKey(String channel, Alert alert) {
        return "alerts:slack:" + channel + ":" + alert.source().id() + ":" + alert.key();
    }

    /** What a Slack message needs of an alert; the rest stays in the queue message. */
    static Alert slim(Alert alert) {
        String state = alert.detail("newStateValue");
        return new Alert(alert.source(), alert.key(), alert.status(), alert.title(), alert.target(), alert.reason(),
                alert.alertUrl(), alert.hostUrl(), alert.occurredAt(), alert.changedAt(),
                state == null ? null : Map.of("newStateValue", state), alert.dedupKey());
    }

    private String channel(Exchange exchange) {
        return sender.stateChannel(exchange.getIn().getHeader(AlertHeaders.CHANNEL, String.class));
    }

    private static String queue(Exchange exchange) {
        if (exchange.getFromEndpoint() instanceof JmsEndpoint endpoint) {
            return endpoint.getDestinationName();
        }
        throw new IllegalStateException("alert-to-slack pipelines consume from a JMS queue");
    }
}
