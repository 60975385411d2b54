package io.chatopshub.alerts;

import io.chatopshub.alerts.GroupingState.Digest;
import io.chatopshub.alerts.GroupingState.Group;
import io.chatopshub.alerts.GroupingState.MessageRef;
import io.chatopshub.alerts.GroupingState.Window;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.slack.SlackHeaders;
import io.chatopshub.system.DeadLetterQueue;
import io.chatopshub.system.Json;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.Secrets;
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
    /** Said to a person whose Acknowledge the hub cannot place (only they see it). */
    static final String UNKNOWN_ALERT_MESSAGE = ":hourglass: This alert message is not one the hub follows (yet): "
            + "if it was posted a moment ago, press Acknowledge again; nothing was changed.";
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
    private final DeadLetterQueue deadLetters;
    private final AlertFailures failures;

    public SlackAlerts(StateStore store, AlertSender sender, TicketLinks tickets, AlertsProperties properties,
            TickScheduler ticks, Clock clock, DeadLetterQueue deadLetters, AlertFailures failures) {
        this.deadLetters = deadLetters;
        this.failures = failures;
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
        try {
            if (AlertHeaders.FLUSH.equals(exchange.getIn().getHeader(AlertHeaders.TICK, String.class))) {
                flush(channel, group == null ? -1 : Long.parseLong(group), queue, exchange.getFromRouteId());
            } else {
                refresh(channel, group, queue);
            }
        } catch (TransientFailureException e) {
            throw LastAttempt.isLast(exchange) ? LastAttempt.givenUp(e) : e;
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
        sender.update(ref.channel(), ref.ts(), AlertMessages.alert(ref.alert(), issueKey, url, ref.ackedBy()));
        putRef(channel, new MessageRef(ref.channel(), ref.ts(), null, ref.alert(), issueKey, ref.ackedBy()));
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

    /**
     * The Acknowledge button of an alert message: the message then says who took the alert
     * (instead of the button), the thread says it too, and the message's alert goes on as the
     * body with {@value AlertHeaders#ACKED_BY} set, for the Backlog comment. The first press
     * wins; a later one, or a press on a message the hub no longer knows, changes nothing.
     */
    public void acknowledge(Exchange exchange) {
        var in = exchange.getIn();
        String user = in.getHeader(SlackHeaders.USER_ID, String.class);
        String slackChannel = in.getHeader(SlackHeaders.CHANNEL_ID, String.class);
        String value = in.getHeader(SlackHeaders.ACTION_VALUE, String.class);
        int bar = value == null ? -1 : value.indexOf('|');
        if (user == null || slackChannel == null || bar < 1 || !sender.canUpdate()) {
            LOG.info("Acknowledge without user, channel or alert ignored");
            return;
        }
        String key = "alerts:slack:" + slackChannel + ":" + value.substring(0, bar) + ":" + value.substring(bar + 1);
        MessageRef ref = store.get(key).map(v -> GroupingState.read(v, MessageRef.class)).orElse(null);
        if (ref == null || ref.ts() == null || ref.digestId() != null || ref.alert() == null) {
            // a press just after the message was posted, before the hub recorded it, or on a message
            // it no longer follows: nothing changes, and the person who pressed is told so
            LOG.info("Acknowledge of {} in {}: no alert message of the hub there; told the person", value, slackChannel);
            sender.answerPress(in.getHeader(SlackHeaders.RESPONSE_URL, String.class), UNKNOWN_ALERT_MESSAGE);
            return;
        }
        if (ref.ackedBy() == null) {
            Optional<TicketLinks.Link> ticket = tickets.find(ref.alert());
            sender.update(ref.channel(), ref.ts(), AlertMessages.alert(ref.alert(), ticket.map(TicketLinks.Link::key)
                    .orElse(ref.ticketKey()), ticket.map(TicketLinks.Link::url).orElse(null), user));
            sender.post(ref.channel(), ref.ts(), AlertMessages.acknowledgement(user));
            MessageRef taken = update(key, MessageRef.class, r -> r == null || r.ackedBy() != null ? r
                    : new MessageRef(r.channel(), r.ts(), r.digestId(), r.alert(), r.ticketKey(), user), MESSAGE_TTL);
            if (taken == null || !user.equals(taken.ackedBy())) {
                return;
            }
            LOG.info("Alert {} acknowledged by {} in {}", value, user, slackChannel);
        } else if (!user.equals(ref.ackedBy())) {
            return;
        }
        in.setBody(AlertJson.write(ref.alert()));
        in.setHeader(AlertHeaders.ACKED_BY, user);
        String name = in.getHeader(SlackHeaders.USER_NAME, String.class);
        in.setHeader(AlertHeaders.ACKED_BY_NAME, name == null || name.isBlank() ? user : name);
    }

    // ---- grouping ----

    void admit(Alert alert, String channel, String queue) {
        Alert slim = slim(alert);
        MessageRef ref = ref(channel, alert);
        boolean openInDigest = ref != null && ref.digestId() != null && ref.alert() != null
                && (ref.alert().status() != AlertStatus.OK || alert.status() == AlertStatus.OK);
        if (openInDigest && join(channel, ref.digestId(), slim, queue, false, ref) != Joined.NO_DIGEST) {
            return;
        }
        Group group = group(channel);
        String current = group.postingDigest() != null ? group.postingDigest() : group.openDigest();
        if (current != null && join(channel, current, slim, queue, false, ref) != Joined.NO_DIGEST) {
            return;
        }
        long now = clock.millis();
        if (group.window() != null && group.window().storm() && joinStorm(channel, group.window(), slim, queue, now, ref)) {
            return;
        }
        String stormDigest = UUID.randomUUID().toString();
        var outcome = new Object() {
            boolean opened;
            boolean repeated;
            Window storm;
        };
        Group after = updateGroup(channel, g -> {
            outcome.opened = false;
            outcome.repeated = false;
            outcome.storm = null;
            Window w = g.window();
            if (w == null) {
                outcome.opened = true;
                return g.withWindow(new Window(now, false, List.of(slim), null));
            }
            if (w.storm()) {
                outcome.storm = w;
                return g;
            }
            if (w.contains(slim.dedupKey())) {
                outcome.repeated = true;
                return g;
            }
            return g.withWindow(w.add(slim, properties.groupThreshold(), stormDigest));
        });
        if (outcome.storm != null) {
            joinStorm(channel, outcome.storm, slim, queue, now, ref);
            return;
        }
        Window window = after.window();
        if (window == null) {
            return;
        }
        if (window.storm() && stormDigest.equals(window.digestId())) {
            store.claim(digestKey(channel, stormDigest), GroupingState.write(Digest.unposted(stormDigest)), MESSAGE_TTL);
            moveIntoDigest(channel, window, queue);
            LOG.info("Alert storm in {}: more than {} alerts within {}; they are collected in one digest",
                    channel, properties.groupThreshold(), properties.groupWait());
        }
        long due = window.start() + properties.groupWait().toMillis();
        if (outcome.opened || outcome.repeated || now > due + properties.groupWait().toMillis()) {
            ticks.schedule(queue, AlertHeaders.FLUSH, channel, Long.toString(window.start()), Math.max(now, due));
        }
    }

    /** An alert during a storm window joins the window's digest; false when that digest is gone. */
    private boolean joinStorm(String channel, Window window, Alert alert, String queue, long now, MessageRef ref) {
        store.claim(digestKey(channel, window.digestId()), GroupingState.write(Digest.unposted(window.digestId())),
                MESSAGE_TTL);
        Joined joined = join(channel, window.digestId(), alert, queue, false, ref);
        if (joined == Joined.NO_DIGEST) {
            return false;
        }
        long due = window.start() + properties.groupWait().toMillis();
        if (joined == Joined.REPEATED || now > due + properties.groupWait().toMillis()) {
            ticks.schedule(queue, AlertHeaders.FLUSH, channel, Long.toString(window.start()), Math.max(now, due));
        }
        return true;
    }

    /**
     * Moves the notifications a window collected before it became a storm into its digest: the
     * latest of each incident, unless the incident is there already (then it came later).
     */
    private void moveIntoDigest(String channel, Window window, String queue) {
        for (Alert alert : GroupingState.latestPerIncident(window.alerts())) {
            join(channel, window.digestId(), alert, queue, true, null);
        }
    }

    private enum Joined { NO_DIGEST, CHANGED, REPEATED, UNCHANGED }

    /**
     * Joins an existing digest. The incident's own entry is written (its slot, found through the
     * index entry, or a new slot), then the digest's version is bumped, in that order, so an
     * update that reads the version first never marks as shown a change it did not render.
     *
     * <p>The incident's {@link MessageRef} is written only when it changes what it says of a
     * digest member (which digest, which status): a repeat of the same status writes nothing more.
     *
     * @param onlyIfAbsent add the alert only when its incident is not in the digest yet
     * @param known        the incident's message reference as read before, or null
     */
    private Joined join(String channel, String digestId, Alert alert, String queue, boolean onlyIfAbsent,
            MessageRef known) {
        String key = digestKey(channel, digestId);
        Digest digest = digest(key);
        if (digest == null) {
            return Joined.NO_DIGEST;
        }
        String indexKey = key + ":i:" + GroupingState.incident(alert);
        Integer slot = store.get(indexKey).map(Integer::valueOf).orElse(null);
        if (slot == null) {
            var grown = new Object() {
                int slot;
            };
            Digest after = update(key, Digest.class, d -> {
                grown.slot = -1;
                if (d == null || d.size() >= GroupingState.MAX_INCIDENTS) {
                    return d;
                }
                grown.slot = d.size();
                return d.withSize(d.size() + 1);
            }, MESSAGE_TTL);
            if (after == null) {
                return Joined.NO_DIGEST;
            }
            if (grown.slot < 0) {
                return Joined.UNCHANGED;
            }
            if (store.claim(indexKey, Integer.toString(grown.slot), MESSAGE_TTL)) {
                slot = grown.slot;
            } else {
                slot = store.get(indexKey).map(Integer::valueOf).orElse(null);
                if (slot == null) {
                    return Joined.UNCHANGED;
                }
            }
        }
        var outcome = new Object() {
            boolean changed;
            boolean repeated;
        };
        update(key + ":" + slot, Alert.class, a -> {
            outcome.changed = false;
            outcome.repeated = false;
            if (a != null && (onlyIfAbsent || a.dedupKey().equals(alert.dedupKey()))) {
                outcome.repeated = a.dedupKey().equals(alert.dedupKey());
                return a;
            }
            if (a != null && !GroupingState.isLater(alert, a)) {
                return a;
            }
            outcome.changed = true;
            return alert;
        }, MESSAGE_TTL);
        long now = clock.millis();
        var planning = new Object() {
            boolean planned;
        };
        Digest after = digest;
        if (outcome.changed) {
            after = update(key, Digest.class, d -> {
                planning.planned = false;
                if (d == null) {
                    return null;
                }
                long refreshAt = d.refreshAt();
                if (d.posted() && refreshAt == 0) {
                    refreshAt = Math.max(now, d.lastUpdate() + properties.groupInterval().toMillis());
                    planning.planned = true;
                }
                return d.changed(refreshAt);
            }, MESSAGE_TTL);
            if (after == null) {
                return Joined.NO_DIGEST;
            }
        }
        boolean overdue = after.refreshAt() != 0 && now > after.refreshAt() + properties.groupInterval().toMillis();
        if (after.posted() && after.dirty() && (planning.planned || outcome.repeated || overdue)) {
            ticks.schedule(queue, AlertHeaders.REFRESH, channel, digestId, after.refreshAt());
        }
        boolean refShowsIt = known != null && digestId.equals(known.digestId()) && known.alert() != null
                && known.alert().status() == alert.status();
        if ((outcome.changed || outcome.repeated) && !refShowsIt) {
            putRef(channel, new MessageRef(after.channel(), after.ts(), digestId, alert, null));
        }
        return outcome.changed ? Joined.CHANGED : outcome.repeated ? Joined.REPEATED : Joined.UNCHANGED;
    }

    /** The incidents of a digest, in the order they joined it. */
    private List<Alert> incidents(String key, Digest digest) {
        List<Alert> incidents = new ArrayList<>(digest.size());
        for (int slot = 0; slot < digest.size(); slot++) {
            store.get(key + ":" + slot).map(v -> GroupingState.read(v, Alert.class)).ifPresent(incidents::add);
        }
        return incidents;
    }

    private Digest digest(String key) {
        return store.get(key).map(v -> GroupingState.read(v, Digest.class)).orElse(null);
    }

    void flush(String channel, long windowStart, String queue) {
        flush(channel, windowStart, queue, null);
    }

    void flush(String channel, long windowStart, String queue, String routeId) {
        Window seen = group(channel).window();
        if (seen != null && seen.start() == windowStart && seen.storm()) {
            store.claim(digestKey(channel, seen.digestId()), GroupingState.write(Digest.unposted(seen.digestId())),
                    MESSAGE_TTL);
            moveIntoDigest(channel, seen, queue);
        }
        updateGroup(channel, g -> {
            Window w = g.window();
            if (w == null || w.start() != windowStart) {
                return g;
            }
            if (w.storm()) {
                return g.withWindow(null).withPostingDigest(w.digestId());
            }
            List<Alert> outbox = new ArrayList<>(g.outbox());
            outbox.addAll(w.alerts());
            return g.withWindow(null).withOutbox(outbox);
        });
        finishPending(channel, queue, routeId);
    }

    /**
     * Posts a digest decided on and the alerts waiting to be posted one by one. What Slack
     * refuses for good (an unknown channel, say) is parked alert by alert, so it can be replayed
     * once fixed, and told to the ops channel; the alerts after it still go out.
     */
    private void finishPending(String channel, String queue, String routeId) {
        String posting = group(channel).postingDigest();
        if (posting != null) {
            boolean posted;
            try {
                posted = openDigest(channel, posting, queue);
            } catch (PermanentFailureException e) {
                String key = digestKey(channel, posting);
                Digest digest = digest(key);
                store.remove(key);
                posted = false;
                if (digest != null) {
                    giveUp(incidents(key, digest), channel, queue, routeId, e);
                }
            }
            boolean open = posted;
            updateGroup(channel, g -> !posting.equals(g.postingDigest()) ? g
                    : g.withPostingDigest(null).withOpenDigest(open ? posting : g.openDigest()));
        }
        for (int round = 0; round < 10_000; round++) {
            Group current = group(channel);
            if (current.outbox().isEmpty()) {
                return;
            }
            Alert next = current.outbox().get(0);
            try {
                deliver(channel, next);
            } catch (PermanentFailureException e) {
                giveUp(List.of(next), channel, queue, routeId, e);
            }
            updateGroup(channel, g -> {
                if (g.outbox().isEmpty() || !g.outbox().get(0).dedupKey().equals(next.dedupKey())) {
                    return g;
                }
                return g.withOutbox(g.outbox().subList(1, g.outbox().size()));
            });
        }
    }

    /** Parks each alert on its own, to be replayed into this pipeline, and tells the ops channel once. */
    private void giveUp(List<Alert> alerts, String channel, String queue, String routeId, PermanentFailureException e) {
        String reason = Secrets.mask(String.valueOf(e.getMessage()));
        String firstId = null;
        for (Alert alert : alerts) {
            Map<String, Object> headers = new java.util.LinkedHashMap<>();
            headers.put(AlertHeaders.EVENT, AlertHeaders.ALERT);
            headers.put(AlertHeaders.SOURCE, alert.source().id());
            if (alert.detail("topicArn") != null) {
                headers.put(AlertHeaders.TOPIC_ARN, alert.detail("topicArn"));
            }
            String id = deadLetters.park(queue, AlertJson.write(alert), headers, reason);
            firstId = firstId == null ? id : firstId;
        }
        LOG.warn("Slack refused {} alert(s) for {} for good ({}); parked in {} from {}", alerts.size(), channel, reason,
                DeadLetterQueue.QUEUE, firstId);
        failures.tell(routeId, alerts.size() == 1 ? alerts.get(0) : null, channel, firstId,
                alerts.size() == 1 ? reason : reason + " (" + alerts.size() + " alerts of a digest, each parked on its own)");
    }

    /**
     * Posts a digest collected during a storm window, then its list in the thread.
     *
     * @return true when the digest's message exists (posted now or before)
     */
    private boolean openDigest(String channel, String id, String queue) {
        String key = digestKey(channel, id);
        Digest digest = digest(key);
        if (digest == null) {
            return false;
        }
        if (digest.posted()) {
            return true;
        }
        List<Alert> incidents = incidents(key, digest);
        if (incidents.isEmpty()) {
            store.remove(key);
            return false;
        }
        List<SlackAlertMessage> pages = AlertMessages.digestPages(incidents);
        AlertSender.Sent sent = sender.post(channel, null, AlertMessages.digest(incidents, pages.size()));
        long now = clock.millis();
        long next = now + properties.groupInterval().toMillis();
        long shownVersion = digest.version();
        update(key, Digest.class, d -> d == null ? null
                : d.shownAt(sent.channel(), sent.ts(), shownVersion, now, next, List.of()), MESSAGE_TTL);
        ticks.schedule(queue, AlertHeaders.REFRESH, channel, id, next);
        showPages(key, channel, sent.channel(), sent.ts(), List.of(), pages);
        LOG.info("Alert storm in {}: {} incidents grouped into one digest, listed in {} message(s) of its thread",
                channel, incidents.size(), pages.size());
        return true;
    }

    /**
     * Brings the digest's list in its thread to {@code pages}: a page that changed is edited
     * ({@code chat.update}), a page more is posted, a page no longer needed is emptied. Each
     * message is recorded once sent, so a crash repeats at most one call.
     */
    private void showPages(String key, String channel, String postedChannel, String threadTs, List<GroupingState.Page> shown,
            List<SlackAlertMessage> pages) {
        int count = Math.max(shown.size(), pages.size());
        for (int i = 0; i < count; i++) {
            GroupingState.Page before = i < shown.size() ? shown.get(i) : null;
            SlackAlertMessage page = i < pages.size() ? pages.get(i) : AlertMessages.emptyPage();
            String fingerprint = Integer.toHexString(page.blocksJson().hashCode());
            if (before != null && before.ts() != null && fingerprint.equals(before.shows())) {
                continue;
            }
            String ts;
            if (before != null && before.ts() != null && sender.canUpdate()) {
                sender.update(postedChannel, before.ts(), page);
                ts = before.ts();
            } else if (i < pages.size()) {
                ts = sender.post(sender.canUpdate() ? postedChannel : channel, threadTs, page).ts();
            } else {
                continue;
            }
            int index = i;
            GroupingState.Page now = new GroupingState.Page(ts, fingerprint);
            update(key, Digest.class, d -> d == null ? null : d.withPage(index, now), MESSAGE_TTL);
        }
    }

    void refresh(String channel, String digestId, String queue) {
        String key = digestKey(channel, digestId);
        Digest digest = digest(key);
        if (digest == null || !digest.posted()) {
            return;
        }
        long now = clock.millis();
        long interval = properties.groupInterval().toMillis();
        if (!digest.dirty()) {
            Digest idle = update(key, Digest.class, d -> d == null || d.dirty() ? d : d.withRefreshAt(0), MESSAGE_TTL);
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
        List<Alert> incidents = incidents(key, digest);
        List<SlackAlertMessage> pages = AlertMessages.digestPages(incidents);
        SlackAlertMessage message = AlertMessages.digest(incidents, pages.size());
        String ts = digest.ts();
        String postedChannel = digest.channel();
        List<GroupingState.Page> shown = digest.pages();
        if (sender.canUpdate() && ts != null) {
            sender.update(digest.channel(), ts, message);
        } else {
            AlertSender.Sent sent = sender.post(channel, null, message);
            ts = sent.ts();
            postedChannel = sent.channel();
            shown = List.of();
        }
        long shownVersion = digest.version();
        long next = now + interval;
        String newTs = ts;
        String newChannel = postedChannel;
        boolean reposted = shown.isEmpty();
        update(key, Digest.class, d -> d == null ? null
                : d.shownAt(newChannel, newTs, shownVersion, now, next, reposted ? List.of() : d.pages()), MESSAGE_TTL);
        showPages(key, channel, postedChannel, ts, shown, pages);
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
        boolean openIncident = ref != null && ref.ts() != null && ref.digestId() == null && ref.alert() != null
                && ref.alert().status() != AlertStatus.OK;
        String ackedBy = openIncident ? ref.ackedBy() : null;
        SlackAlertMessage message = AlertMessages.alert(alert, ticketKey, ticket.map(TicketLinks.Link::url).orElse(null),
                ackedBy);
        if (openIncident && sender.canUpdate()) {
            if (!GroupingState.isLater(alert, ref.alert())) {
                return;
            }
            sender.update(ref.channel(), ref.ts(), message);
            if (alert.status() != ref.alert().status()) {
                sender.post(ref.channel(), ref.ts(), message);
            }
            putRef(channel, new MessageRef(ref.channel(), ref.ts(), null, alert, ticketKey, ackedBy));
        } else {
            AlertSender.Sent sent = sender.post(channel, null, message);
            putRef(channel, new MessageRef(sent.channel(), sent.ts(), null, alert, ticketKey));
            ref = new MessageRef(sent.channel(), sent.ts(), null, alert, ticketKey);
        }
        if (ticketKey == null && sender.canUpdate()) {
            MessageRef posted = ref(channel, alert);
            Optional<TicketLinks.Link> late = tickets.find(alert);
            if (posted != null && posted.ts() != null && late.isPresent()) {
                sender.update(posted.channel(), posted.ts(),
                        AlertMessages.alert(alert, late.get().key(), late.get().url(), posted.ackedBy()));
                putRef(channel, new MessageRef(posted.channel(), posted.ts(), null, alert, late.get().key(), posted.ackedBy()));
            }
        }
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
