package io.chatopshub.alerts;

import io.chatopshub.dedup.StateStore;
import java.time.Duration;
import java.util.Optional;

/**
 * Which ticket an incident has, so Slack messages can link it. Written by the ticket pipelines,
 * read by the Slack pipelines; both only know the incident key, not each other.
 *
 * <p>The first project that files an issue for an incident owns the link; a later issue of the
 * same project (the incident recovered and fired again) replaces it.
 */
public class TicketLinks {

    static final Duration TTL = Duration.ofDays(30);

    private final StateStore store;

    public TicketLinks(StateStore store) {
        this.store = store;
    }

    /** A ticket: its key and, when known, its web link. */
    public record Link(String project, String key, String url) {

        String value() {
            return project + "|" + key + "|" + (url == null ? "" : url);
        }

        static Link parse(String value) {
            String[] parts = value.split("\\|", 3);
            if (parts.length != 3 || parts[1].isEmpty()) {
                return null;
            }
            return new Link(parts[0], parts[1], parts[2].isEmpty() ? null : parts[2]);
        }
    }

    public Optional<Link> find(Alert alert) {
        return store.get(key(alert)).map(Link::parse);
    }

    /**
     * Records the ticket of an incident.
     *
     * @return true when the link is new or changed, i.e. Slack messages should show it now
     */
    public boolean record(Alert alert, String project, String issueKey, String url) {
        Link link = new Link(project, issueKey, url);
        String key = key(alert);
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<String> current = store.get(key);
            if (current.isEmpty()) {
                if (store.claim(key, link.value(), TTL)) {
                    return true;
                }
                continue;
            }
            Link existing = Link.parse(current.get());
            if (existing != null && existing.equals(link)) {
                return false;
            }
            if (existing != null && !existing.project().equals(project)) {
                return false;
            }
            if (store.replace(key, current.get(), link.value(), TTL)) {
                return true;
            }
        }
        return false;
    }

    private static String key(Alert alert) {
        return "alerts:ticket:" + alert.source().id() + ":" + alert.key();
    }
}
