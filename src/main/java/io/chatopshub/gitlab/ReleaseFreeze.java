package io.chatopshub.gitlab;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;

import io.chatopshub.dedup.StateStore;

/**
 * "Freeze deploys": while frozen, release mentions are answered with the reason and start no
 * pipeline. Kept in the shared state store, so freezing one instance freezes them all. People
 * allowed to release freeze from Slack ({@code @hub freeze <project|all> [reason]}), one project
 * or all of them; operators switch the freeze of all from Hawtio's JMX tab or any JMX client, where
 * the freezes of single projects show too ({@code FrozenProjects}), so a console never says
 * "not frozen" while a project's releases are refused.
 */
@ManagedResource(objectName = "io.chatopshub:type=Releases", description = "Freeze and unfreeze releases from Slack")
public class ReleaseFreeze {

    static final String KEY = "gitlab:freeze";
    /** Followed by the lower-cased project name: the freeze of one project. */
    static final String PROJECT_KEY_PREFIX = "gitlab:freeze:";
    /** A freeze lasts until lifted; the store needs an expiry, so it is a long one. */
    static final Duration HOLD = Duration.ofDays(3650);
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseFreeze.class);

    private final StateStore store;
    private final Clock clock;
    private final List<String> projects;

    /** {@code projects}: the deploy targets' project names, whose own freezes JMX lists. */
    ReleaseFreeze(StateStore store, Clock clock, List<String> projects) {
        this.store = store;
        this.clock = clock;
        this.projects = projects.stream().map(p -> p.toLowerCase(java.util.Locale.ROOT)).distinct().toList();
    }

    @ManagedOperation(description = "Stops releases from Slack until unfreeze() is called")
    @ManagedOperationParameter(name = "reason", description = "shown to people who ask for a release")
    public void freeze(String reason) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        store.put(KEY, Instant.now(clock) + " " + why, HOLD);
        LOG.warn("releases frozen: {}", why);
    }

    @ManagedOperation(description = "Allows releases from Slack again")
    public void unfreeze() {
        store.remove(KEY);
        LOG.warn("releases unfrozen");
    }

    @ManagedAttribute(description = "True while all releases are frozen (FrozenProjects lists single projects)")
    public boolean isFrozen() {
        return reason().isPresent();
    }

    @ManagedAttribute(description = "Since when and why all releases are frozen, empty when they are not")
    public String getFreeze() {
        return store.get(KEY).orElse("");
    }

    @ManagedAttribute(description = "Projects frozen on their own (@hub freeze <project>): project, since when and why")
    public List<String> getFrozenProjects() {
        return projects.stream().flatMap(project -> store.get(projectKey(project)).map(v -> project + " " + v).stream())
                .toList();
    }

    /** Why releases are frozen, when they are. */
    public Optional<String> reason() {
        return store.get(KEY).map(ReleaseFreeze::reasonOf);
    }

    /** Why {@code project} may not be released now: the freeze of all first, then its own. */
    public Optional<String> reason(String project) {
        Optional<String> all = reason();
        return all.isPresent() ? all : ownReason(project);
    }

    /** The freeze of {@code project} alone, not counting a freeze of all. */
    public Optional<String> ownReason(String project) {
        return store.get(projectKey(project)).map(ReleaseFreeze::reasonOf);
    }

    /** Freezes {@code project}, or all releases when it is null. */
    public void freeze(String project, String reason) {
        if (project == null) {
            freeze(reason);
            return;
        }
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        store.put(projectKey(project), Instant.now(clock) + " " + why, HOLD);
        LOG.warn("releases of {} frozen: {}", project, why);
    }

    /**
     * Lifts the freeze of {@code project}, or of all releases when it is null.
     *
     * @return false when there was no such freeze
     */
    public boolean unfreeze(String project) {
        String key = project == null ? KEY : projectKey(project);
        if (store.get(key).isEmpty()) {
            return false;
        }
        store.remove(key);
        LOG.warn("releases{} unfrozen", project == null ? "" : " of " + project);
        return true;
    }

    private static String projectKey(String project) {
        return PROJECT_KEY_PREFIX + project.toLowerCase(java.util.Locale.ROOT);
    }

    private static String reasonOf(String value) {
        return value.contains(" ") ? value.substring(value.indexOf(' ') + 1) : value;
    }
}
