package io.chatopshub.alerts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.List;

/**
 * What the Slack pipelines keep in the state store, as JSON. Everything needed to finish a
 * delivery lives here, so a restart or a second instance continues where the first stopped.
 */
final class GroupingState {

    /**
     * Incidents one digest holds at most; later ones open a digest of their own. Twice the
     * largest storm the hub is measured with (1,000 alert ids).
     */
    static final int MAX_INCIDENTS = 2000;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private GroupingState() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert state cannot be written", e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The incident an alert belongs to: one per source and key. */
    static String incident(Alert alert) {
        return alert.source().id() + "|" + alert.key();
    }

    /** The later of two notifications of one incident; on a tie the newer arrival. */
    static boolean isLater(Alert candidate, Alert current) {
        return candidate.changedAt() == null || current.changedAt() == null
                || !candidate.changedAt().isBefore(current.changedAt());
    }

    /** Adds {@code alert} to a list of incidents, replacing an older notification of the same one. */
    static MergeResult merge(List<Alert> incidents, Alert alert) {
        List<Alert> out = new ArrayList<>(incidents);
        for (int i = 0; i < out.size(); i++) {
            Alert current = out.get(i);
            if (incident(current).equals(incident(alert))) {
                if (current.dedupKey().equals(alert.dedupKey()) || !isLater(alert, current)) {
                    return new MergeResult(incidents, false, current.dedupKey().equals(alert.dedupKey()));
                }
                out.set(i, alert);
                return new MergeResult(out, true, false);
            }
        }
        if (out.size() >= MAX_INCIDENTS) {
            return new MergeResult(incidents, false, false);
        }
        out.add(alert);
        return new MergeResult(out, true, false);
    }

    record MergeResult(List<Alert> incidents, boolean changed, boolean alreadyThere) {
    }

    /**
     * A channel's grouping: the window collecting alerts, alerts decided to be posted one by one,
     * a digest decided on and about to be posted, and the digest new alerts currently join.
     * Digests are referred to by id only: their incidents are entries of their own (see
     * {@link Digest}), so this document stays small however large a storm grows.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Group(Window window, List<Alert> outbox, String postingDigest, String openDigest) {

        Group {
            outbox = outbox == null ? List.of() : List.copyOf(outbox);
        }

        static final Group EMPTY = new Group(null, List.of(), null, null);

        Group withWindow(Window w) {
            return new Group(w, outbox, postingDigest, openDigest);
        }

        Group withOutbox(List<Alert> o) {
            return new Group(window, o, postingDigest, openDigest);
        }

        Group withPostingDigest(String id) {
            return new Group(window, outbox, id, openDigest);
        }

        Group withOpenDigest(String id) {
            return new Group(window, outbox, postingDigest, id);
        }
    }

    /**
     * Alerts that arrived since {@code start}. Until it holds more than the threshold it keeps
     * every notification (each may become a message). Once it is a storm it names the digest
     * ({@code digestId}, not posted until the window closes) that later alerts join directly;
     * {@code alerts} then keeps only the notifications from before, which are moved into it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Window(long start, boolean storm, List<Alert> alerts, String digestId) {

        Window {
            alerts = alerts == null ? List.of() : List.copyOf(alerts);
        }

        boolean contains(String dedupKey) {
            return alerts.stream().anyMatch(a -> a.dedupKey().equals(dedupKey));
        }

        /** Adds a notification; past the threshold the window becomes a storm feeding {@code stormDigest}. */
        Window add(Alert alert, int threshold, String stormDigest) {
            List<Alert> more = new ArrayList<>(alerts);
            more.add(alert);
            return new Window(start, more.size() > threshold, more, more.size() > threshold ? stormDigest : null);
        }
    }

    /**
     * The latest notification of each incident among {@code alerts}, in order of first arrival.
     */
    static List<Alert> latestPerIncident(List<Alert> alerts) {
        List<Alert> incidents = List.of();
        for (Alert a : alerts) {
            incidents = merge(incidents, a).incidents();
        }
        return incidents;
    }

    /**
     * One digest message. Its incidents are not in this document: each is an entry of its own
     * (slot {@code 0..size-1}, with an index from incident to slot), so an alert joining a digest
     * of a thousand incidents writes its own few hundred bytes and bumps {@code version} here,
     * instead of rewriting every incident. {@code version} counts changes, {@code shown} the
     * version the message shows; {@code lastUpdate} is 0 until the message is posted;
     * {@code refreshAt} is when its next update is due (0: none planned).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Digest(String id, String channel, String ts, int size, long version, long shown,
            long lastUpdate, long refreshAt, List<Page> pages) {

        Digest {
            pages = pages == null ? List.of() : List.copyOf(pages);
        }

        static Digest unposted(String id) {
            return new Digest(id, null, null, 0, 0, 0, 0, 0, List.of());
        }

        boolean posted() {
            return lastUpdate > 0;
        }

        Digest withSize(int s) {
            return new Digest(id, channel, ts, s, version, shown, lastUpdate, refreshAt, pages);
        }

        Digest changed(long nextRefresh) {
            return new Digest(id, channel, ts, size, version + 1, shown, lastUpdate, nextRefresh, pages);
        }

        Digest withRefreshAt(long at) {
            return new Digest(id, channel, ts, size, version, shown, lastUpdate, at, pages);
        }

        Digest shownAt(String postedChannel, String postedTs, long shownVersion, long now, long next, List<Page> shownPages) {
            return new Digest(id, postedChannel, postedTs, size, version, Math.max(shown, shownVersion), now, next,
                    shownPages);
        }

        Digest withPage(int index, Page page) {
            List<Page> more = new ArrayList<>(pages);
            while (more.size() <= index) {
                more.add(new Page(null, null));
            }
            more.set(index, page);
            return new Digest(id, channel, ts, size, version, shown, lastUpdate, refreshAt, more);
        }

        boolean dirty() {
            return version > shown;
        }
    }

    /** One message of a digest's list in its thread, and a fingerprint of what it shows. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Page(String ts, String shows) {
    }

    /**
     * The Slack message of one incident in one channel: its own message ({@code ts}) or the digest
     * it is listed in ({@code digestId}), with the notification it shows and who acknowledged it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MessageRef(String channel, String ts, String digestId, Alert alert, String ticketKey, String ackedBy) {

        MessageRef(String channel, String ts, String digestId, Alert alert, String ticketKey) {
            this(channel, ts, digestId, alert, ticketKey, null);
        }
    }
}
