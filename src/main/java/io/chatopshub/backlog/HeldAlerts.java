package io.chatopshub.backlog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.chatopshub.dedup.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notifications of one incident that wait, in arrival order, while its first one cannot be
 * applied to Backlog yet (Backlog 503, 429, another instance opening the issue). Kept in the
 * {@link StateStore} under {@code backlog:held:<queue>:<instance name>:<source>|<alert id>}, one
 * entry per incident, so the consumer that took the notification is free for other incidents
 * while the wait lasts; the head is taken up again by a resume message the broker delivers later.
 *
 * <p>The key names the instance because the held notifications came through that instance's
 * broker, whose resume messages take them up again, also after a restart.
 */
final class HeldAlerts {

    /** Longer than any wait: {@link AlertTickets#MAX_WAITS} waits of at most five minutes. */
    static final Duration TTL = Duration.ofDays(1);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final StateStore store;

    HeldAlerts(StateStore store) {
        this.store = store;
    }

    /**
     * The waiting notifications; {@code resumeAt} names the one resume message that may take up
     * the head (a copy of an older one is recognised as stale by it), {@code waits} how often the
     * head has waited.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Held(List<Entry> entries, int waits, long resumeAt) {

        Held {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }

        boolean contains(String dedupKey) {
            return entries.stream().anyMatch(e -> dedupKey.equals(e.dedupKey()));
        }

        Held plus(Entry entry) {
            List<Entry> more = new ArrayList<>(entries);
            more.add(entry);
            return new Held(more, waits, resumeAt);
        }

        Held waited(long at) {
            return new Held(entries, waits + 1, at);
        }

        /** Without the head; the next one starts with no waits. */
        Held next(long at) {
            return new Held(entries.subList(1, entries.size()), 0, at);
        }
    }

    /** One queued notification: the alert JSON, its headers and its de-duplication key. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(String body, Map<String, String> headers, String dedupKey) {
    }

    Optional<Held> get(String key) {
        return store.get(key).map(HeldAlerts::read);
    }

    void put(String key, Held held) {
        try {
            store.put(key, JSON.writeValueAsString(held), TTL);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("held alerts cannot be written", e);
        }
    }

    void remove(String key) {
        store.remove(key);
    }

    private static Held read(String json) {
        try {
            return JSON.readValue(json, Held.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("held alerts cannot be read", e);
        }
    }
}
