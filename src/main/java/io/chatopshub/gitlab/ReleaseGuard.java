package io.chatopshub.gitlab;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.chatopshub.dedup.StateStore;
import io.chatopshub.gitlab.GitlabProperties.DeployTarget;

/**
 * Keeps two people (or one impatient person) from starting the same release twice within
 * {@code chatops.gitlab.release-guard}: the second ask gets the running pipeline's link. The
 * claim is atomic in the shared {@link StateStore}, so it holds across hub instances.
 */
public final class ReleaseGuard {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .registerModule(new JavaTimeModule());

    private final StateStore store;
    private final Duration guard;
    private final Clock clock;

    public ReleaseGuard(StateStore store, GitlabProperties properties) {
        this(store, properties.releaseGuard(), Clock.systemUTC());
    }

    ReleaseGuard(StateStore store, Duration guard, Clock clock) {
        this.store = store;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * The release that holds the guard.
     *
     * @param pipelineId null while the pipeline is being started
     * @param webUrl     null while starting, and for dry-run releases
     * @param started    when the release was asked for
     * @param requestId  the request that holds the guard, when known
     */
    public record RunningRelease(Long pipelineId, Long iid, String webUrl, Instant started, String requestId) {

        public boolean pipelineKnown() {
            return pipelineId != null;
        }
    }

    /** Claims the guard without saying for which request. */
    public boolean claim(DeployTarget target) {
        return claim(target, null);
    }

    /**
     * Atomically takes the guard of {@code target}'s channel and project.
     *
     * @return true when this caller may trigger; false when another release holds it (see {@link #running})
     */
    public boolean claim(DeployTarget target, String requestId) {
        if (guard.isZero()) {
            return true;
        }
        RunningRelease r = new RunningRelease(null, null, null, clock.instant(), requestId);
        return store.claim(key(target), write(r), guard);
    }

    /** Records the pipeline the guard holder started, so later asks can link to it. */
    public void recordPipeline(DeployTarget target, Pipeline pipeline) {
        if (guard.isZero()) {
            return;
        }
        String key = key(target);
        Optional<String> current = store.get(key);
        Instant now = clock.instant();
        RunningRelease before = current.flatMap(ReleaseGuard::read).orElse(null);
        Instant started = before == null ? now : before.started();
        RunningRelease after = new RunningRelease(pipeline.id(), pipeline.iid(), pipeline.webUrl(), started,
                before == null ? null : before.requestId());
        Duration left = guard.minus(Duration.between(started, now));
        if (left.compareTo(Duration.ofSeconds(1)) < 0) {
            left = Duration.ofSeconds(1);
        }
        if (current.isEmpty() || !store.replace(key, current.get(), write(after), left)) {
            store.put(key, write(after), left);
        }
    }

    /** The release holding the guard, if any. */
    public Optional<RunningRelease> running(DeployTarget target) {
        if (guard.isZero()) {
            return Optional.empty();
        }
        return store.get(key(target)).flatMap(ReleaseGuard::read);
    }

    /** Frees the guard, e.g. after GitLab refused the trigger, so the fixed release can be asked again at once. */
    public void release(DeployTarget target) {
        store.remove(key(target));
    }

    static String key(DeployTarget target) {
        return "gitlab:release:" + target.channel() + ":" + target.project().toLowerCase(Locale.ROOT);
    }

    private static String write(RunningRelease r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<RunningRelease> read(String value) {
        try {
            return Optional.of(JSON.readValue(value, RunningRelease.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
