package io.chatopshub.backlog;

import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertStatus;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.DryRun;
import io.chatopshub.system.HubInstance;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Backlog issue per incident: the first notification that is not OK opens it, a later
 * status change comments on it, an identical repeat does nothing, and OK comments and closes it.
 *
 * <p>The incident key to issue mapping lives in the shared {@link StateStore} under
 * {@code backlog:<source>:<key>} (issues in the configured project) or
 * {@code backlog:<projectId>:<source>:<key>} (a pipeline's other project), with one of three values:
 * {@code creating|<owner>} (a worker of that {@link HubInstance} is opening the issue),
 * {@code open|<issueKey>|<STATUS>|<changedAt>}
 * and {@code closed|<issueKey>|<changedAt>} (kept a while so late, out-of-order notifications of a
 * closed incident do not reopen it; SNS does not keep order).
 *
 * <p>Exactly one issue per incident, also with several workers: a worker must win
 * {@code claim(key, "creating|<owner>")} before it creates an issue; the others get a
 * {@link TransientFailureException} and are retried once the mapping exists. Before creating, the
 * winner searches Backlog for an open issue whose description holds the exact alert id, so a
 * mapping that was lost (expired, store reset) is found again rather than duplicated.
 *
 * <p>A crash between creating the issue and writing the mapping leaves the {@code creating} claim
 * behind. When the same instance starts again it takes its earlier life's claims over at once;
 * a claim of another instance expires after {@link #CLAIM_TTL} (longer than one Backlog call, and
 * renewed between the search and the create), and until then redeliveries of the notification
 * are answered with a retry. Whoever takes a claim over searches first, finds the created issue by
 * the keyword search and adopts it. This trades a short delay after a crash for never opening a
 * second issue, and needs no transaction across Backlog and the store. The other writes are done
 * call-first, mapping-second, so a crash repeats a comment rather than losing it.
 */
public class BacklogTickets {

    /** Longer than the slowest Backlog call (connect 10 s + read 30 s), short enough to recover quickly. */
    static final Duration CLAIM_TTL = Duration.ofSeconds(45);
    /** Open incidents rarely last this long; past it the keyword search finds the issue again. */
    static final Duration MAPPING_TTL = Duration.ofDays(30);
    /** How long a closed incident still ignores late notifications. */
    static final Duration CLOSED_TTL = Duration.ofDays(1);
    static final Duration BUSY_RETRY = Duration.ofSeconds(10);
    static final String CREATING = "creating";
    /** Issue key of a closed marker written for an OK that found no issue, so a late older alarm stays ignored. */
    private static final String NO_ISSUE = "-";
    /** Where a dry run keeps an incident's last status: apart from the mappings of a real Backlog. */
    static final String DRY_RUN_KEY_PREFIX = "dry-run:";
    /** The issue key in the dry-run log of a comment or a close: there is no issue to name. */
    static final String DRY_RUN_ISSUE = "{issueKey}";
    private static final int MAX_ROUNDS = 5;
    private static final int SUMMARY_LIMIT = 255;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final Logger LOG = LoggerFactory.getLogger(BacklogTickets.class);

    private final BacklogClient client;
    private final StateStore store;
    private final Clock clock;
    private final HubInstance instance;
    private final String claim;

    public BacklogTickets(BacklogClient client, StateStore store, Clock clock) {
        this(client, store, clock, HubInstance.transientInstance());
    }

    public BacklogTickets(BacklogClient client, StateStore store, Clock clock, HubInstance instance) {
        this.client = client;
        this.store = store;
        this.clock = clock;
        this.instance = instance;
        this.claim = CREATING + "|" + instance.owner();
    }

    /**
     * Applies one alert notification to its Backlog issue.
     *
     * @throws TransientFailureException Backlog is busy or down, or another worker is opening the
     *                                   issue of this incident right now: retry later
     * @throws io.chatopshub.system.PermanentFailureException Backlog refused the request
     */
    public TicketOutcome handle(Alert alert) {
        return handle(alert, client.defaultTarget());
    }

    /**
     * Like {@link #handle(Alert)}, with the issue in the given project. Each project keeps its own
     * mapping, so one incident can have one issue in each of two projects.
     */
    public TicketOutcome handle(Alert alert, BacklogTarget target) {
        if (!client.configured()) {
            return dryRun(alert, target);
        }
        String key = stateKey(alert, target);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<String> value = store.get(key);
            if (value.isEmpty()) {
                if (alert.status() == AlertStatus.OK) {
                    return closeFound(key, alert, target);
                }
                if (store.claim(key, claim, CLAIM_TTL)) {
                    return openClaimed(key, alert, target);
                }
                continue;
            }
            String current = value.get();
            if (current.equals(CREATING) || current.startsWith(CREATING + "|")) {
                String owner = current.equals(CREATING) ? null : current.substring(CREATING.length() + 1);
                if (instance.isEarlierLife(owner)) {
                    if (store.replace(key, current, claim, CLAIM_TTL)) {
                        LOG.info("Taking over the Backlog claim an earlier run of this instance left for {}", describe(alert));
                        return openClaimed(key, alert, target);
                    }
                    continue;
                }
                throw new TransientFailureException("Backlog issue for " + describe(alert)
                        + " is being opened by another worker", BUSY_RETRY);
            }
            Mapping mapping = Mapping.parse(current);
            if (mapping == null) {
                LOG.warn("Dropping unreadable Backlog mapping for {}", describe(alert));
                store.remove(key);
                continue;
            }
            if (mapping.closed()) {
                if (alert.status() == AlertStatus.OK || isOlder(alert.changedAt(), mapping.changedAt())
                        || Objects.equals(alert.changedAt(), mapping.changedAt())) {
                    String issueKey = NO_ISSUE.equals(mapping.issueKey()) ? null : mapping.issueKey();
                    return TicketOutcome.of(TicketOutcome.Action.UNCHANGED, issueKey, client.issueUrl(issueKey));
                }
                if (store.replace(key, current, claim, CLAIM_TTL)) {
                    return openClaimed(key, alert, target);
                }
                continue;
            }
            return updateOpen(key, current, mapping, alert);
        }
        throw new TransientFailureException("Backlog mapping for " + describe(alert) + " kept changing", BUSY_RETRY);
    }

    private TicketOutcome updateOpen(String key, String current, Mapping mapping, Alert alert) {
        String issueKey = mapping.issueKey();
        if (alert.status() == mapping.status() || isOlder(alert.changedAt(), mapping.changedAt())) {
            return TicketOutcome.of(TicketOutcome.Action.UNCHANGED, issueKey, client.issueUrl(issueKey));
        }
        if (alert.status() == AlertStatus.OK) {
            client.closeIssue(issueKey, comment(alert, mapping.status()));
            store.put(key, Mapping.closed(issueKey, alert.changedAt()), CLOSED_TTL);
            LOG.info("Closed Backlog issue {} for {}", issueKey, describe(alert));
            return TicketOutcome.of(TicketOutcome.Action.CLOSED, issueKey, client.issueUrl(issueKey));
        }
        client.addComment(issueKey, comment(alert, mapping.status()));
        store.replace(key, current, Mapping.open(issueKey, alert.status(), alert.changedAt()), MAPPING_TTL);
        LOG.info("Commented on Backlog issue {} for {}", issueKey, describe(alert));
        return TicketOutcome.of(TicketOutcome.Action.COMMENTED, issueKey, client.issueUrl(issueKey));
    }

    private TicketOutcome openClaimed(String key, Alert alert, BacklogTarget target) {
        try {
            Optional<BacklogIssue> existing = findExisting(alert, target);
            // the search may have taken most of the claim's time: renew it for the call that follows
            if (!store.replace(key, claim, claim, CLAIM_TTL)) {
                throw new TransientFailureException("Backlog claim for " + describe(alert)
                        + " expired while searching; another worker may be opening the issue", BUSY_RETRY);
            }
            if (existing.isPresent()) {
                String issueKey = existing.get().issueKey();
                client.addComment(issueKey, comment(alert, null));
                store.put(key, Mapping.open(issueKey, alert.status(), alert.changedAt()), MAPPING_TTL);
                LOG.info("Found Backlog issue {} again for {}", issueKey, describe(alert));
                return TicketOutcome.of(TicketOutcome.Action.COMMENTED, issueKey, client.issueUrl(issueKey));
            }
            BacklogIssue created = client.createIssue(target, summary(alert), description(alert))
                    .orElseThrow(() -> new IllegalStateException("Backlog returned no issue"));
            store.put(key, Mapping.open(created.issueKey(), alert.status(), alert.changedAt()), MAPPING_TTL);
            LOG.info("Opened Backlog issue {} for {}", created.issueKey(), describe(alert));
            return TicketOutcome.of(TicketOutcome.Action.OPENED, created.issueKey(), client.issueUrl(created.issueKey()));
        } catch (RuntimeException e) {
            // Only when Backlog surely did not create the issue may the next attempt create it at
            // once; after a timeout or a 500 the claim stays until it expires, and the attempt
            // after that searches for the issue first.
            boolean notCreated = e instanceof PermanentFailureException || e instanceof RequestNotProcessedException;
            if (notCreated && store.get(key).filter(claim::equals).isPresent()) {
                store.remove(key);
            }
            throw e;
        }
    }

    private TicketOutcome closeFound(String key, Alert alert, BacklogTarget target) {
        Optional<BacklogIssue> existing = findExisting(alert, target);
        if (existing.isEmpty()) {
            if (alert.changedAt() != null) {
                store.claim(key, Mapping.closed(NO_ISSUE, alert.changedAt()), CLOSED_TTL);
            }
            return TicketOutcome.of(TicketOutcome.Action.NOTHING_OPEN, null, Optional.empty());
        }
        String issueKey = existing.get().issueKey();
        client.closeIssue(issueKey, comment(alert, null));
        store.put(key, Mapping.closed(issueKey, alert.changedAt()), CLOSED_TTL);
        LOG.info("Closed Backlog issue {} (found by search) for {}", issueKey, describe(alert));
        return TicketOutcome.of(TicketOutcome.Action.CLOSED, issueKey, client.issueUrl(issueKey));
    }

    /**
     * {@code Acknowledged in Slack by <name> (<user id>)} on the issue, once per person: the
     * marker is written after the comment, so a retry may repeat it but never skips it.
     */
    public void acknowledge(String issueKey, String userId, String userName) {
        String marker = "backlog:ack:" + issueKey + ":" + userId;
        if (store.get(marker).isPresent()) {
            return;
        }
        String name = userName == null || userName.isBlank() ? userId : userName;
        client.addComment(issueKey, "Acknowledged in Slack by " + name + " (" + userId + ")");
        store.put(marker, "1", MAPPING_TTL);
        LOG.info("Acknowledgement by {} noted on Backlog issue {}", userId, issueKey);
    }

    /** Backlog's keyword search is full-text; only an issue naming this exact alert id counts. */
    Optional<BacklogIssue> findExisting(Alert alert) {
        return findExisting(alert, client.defaultTarget());
    }

    private Optional<BacklogIssue> findExisting(Alert alert, BacklogTarget target) {
        String idLine = "Alert ID: " + alert.key();
        String sourceLine = "Source: " + alert.source().id();
        return client.findOpenIssues(target.projectId(), alert.key()).stream()
                .filter(issue -> issue.description() != null && issue.issueKey() != null)
                .filter(issue -> issue.description().lines().map(String::strip)
                        .anyMatch(idLine::equals))
                .filter(issue -> issue.description().lines().map(String::strip)
                        .anyMatch(sourceLine::equals))
                .min(Comparator.comparingLong(BacklogIssue::id));
    }

    /**
     * Without Backlog: logs the call the incident's issue would get. The incident's last status is
     * kept under a key of its own (a real Backlog's mapping is never touched), so that a change is
     * logged as the comment it would be, a recovery as the close, and an identical repeat as nothing.
     */
    private TicketOutcome dryRun(Alert alert, BacklogTarget target) {
        String key = DRY_RUN_KEY_PREFIX + stateKey(alert, target);
        Optional<AlertStatus> last = store.get(key).map(AlertStatus::valueOf);
        if (last.isEmpty()) {
            if (alert.status() == AlertStatus.OK) {
                DryRun.log("backlog", "close issue", describe(alert) + " would be closed with: " + comment(alert, null));
            } else {
                client.createIssue(target, summary(alert), description(alert));
                store.put(key, alert.status().name(), MAPPING_TTL);
            }
        } else if (alert.status() == AlertStatus.OK) {
            client.closeIssue(DRY_RUN_ISSUE, comment(alert, last.get()));
            store.remove(key);
        } else if (alert.status() != last.get()) {
            client.addComment(DRY_RUN_ISSUE, comment(alert, last.get()));
            store.put(key, alert.status().name(), MAPPING_TTL);
        }
        return TicketOutcome.of(TicketOutcome.Action.DRY_RUN, null, Optional.empty());
    }

    static String stateKey(Alert alert) {
        return "backlog:" + alert.source().id() + ":" + alert.key();
    }

    /** The configured project keeps the plain key; any other project has its id in the key. */
    private String stateKey(Alert alert, BacklogTarget target) {
        return Objects.equals(target.projectId(), client.defaultTarget().projectId()) ? stateKey(alert)
                : "backlog:" + target.projectId() + ":" + alert.source().id() + ":" + alert.key();
    }

    /** {@code critical@web-01 - CPU usage (occurred at 2026-11-21 10:00 UTC)}. */
    String summary(Alert alert) {
        Instant occurred = alert.occurredAt() != null ? alert.occurredAt()
                : alert.changedAt() != null ? alert.changedAt() : clock.instant();
        String target = alert.target() == null || alert.target().isBlank() ? "" : "@" + alert.target();
        String title = alert.title() == null || alert.title().isBlank() ? alert.key() : alert.title();
        String tail = " (occurred at " + TIME.format(occurred) + ")";
        String head = alert.status().label() + target + " - " + title;
        if (head.length() + tail.length() > SUMMARY_LIMIT) {
            head = head.substring(0, Math.max(0, SUMMARY_LIMIT - tail.length() - 1)) + "…";
        }
        return (head + tail).replace('\n', ' ');
    }

    static String description(Alert alert) {
        var text = new StringBuilder();
        line(text, "Alert", alert.title());
        line(text, "Status", alert.status().label());
        line(text, "Target", alert.target());
        line(text, "Reason", alert.reason());
        line(text, "Occurred at", alert.occurredAt() == null ? null : TIME.format(alert.occurredAt()));
        text.append('\n');
        line(text, "Alert URL", alert.alertUrl());
        line(text, "Host URL", alert.hostUrl());
        line(text, "Alert ID", alert.key());
        line(text, "Source", alert.source().id());
        return text.toString();
    }

    private static String comment(Alert alert, AlertStatus previous) {
        var text = new StringBuilder();
        String now = alert.status().label();
        if (alert.status() == AlertStatus.OK) {
            text.append("Recovered").append(previous == null ? "" : " (was " + previous.label() + ")").append(": ok");
        } else {
            text.append("Status ").append(previous == null ? "is now " : "changed from " + previous.label() + " to ")
                    .append(now);
        }
        text.append('\n');
        line(text, "Reason", alert.reason());
        line(text, "At", alert.changedAt() == null ? null : TIME.format(alert.changedAt()));
        line(text, "Alert URL", alert.alertUrl());
        return text.toString().stripTrailing();
    }

    private static void line(StringBuilder text, String name, String value) {
        if (value != null && !value.isBlank()) {
            text.append(name).append(": ").append(value.replace('\n', ' ')).append('\n');
        }
    }

    private static boolean isOlder(Instant candidate, Instant recorded) {
        return candidate != null && recorded != null && candidate.isBefore(recorded);
    }

    private static String describe(Alert alert) {
        return alert.source().id() + " alert " + alert.key();
    }

    /** The parsed value of a mapping entry. */
    record Mapping(boolean closed, String issueKey, AlertStatus status, Instant changedAt) {

        static String open(String issueKey, AlertStatus status, Instant changedAt) {
            return "open|" + issueKey + "|" + status.name() + "|" + millis(changedAt);
        }

        static String closed(String issueKey, Instant changedAt) {
            return "closed|" + issueKey + "|" + millis(changedAt);
        }

        static Mapping parse(String value) {
            String[] parts = value.split("\\|", -1);
            try {
                if (parts.length == 4 && parts[0].equals("open") && !parts[1].isEmpty()) {
                    return new Mapping(false, parts[1], AlertStatus.valueOf(parts[2]), instant(parts[3]));
                }
                if (parts.length == 3 && parts[0].equals("closed") && !parts[1].isEmpty()) {
                    return new Mapping(true, parts[1], AlertStatus.OK, instant(parts[2]));
                }
            } catch (IllegalArgumentException e) {
                return null;
            }
            return null;
        }

        private static String millis(Instant time) {
            return time == null ? "-" : Long.toString(time.toEpochMilli());
        }

        private static Instant instant(String millis) {
            return millis.equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(millis));
        }
    }
}
