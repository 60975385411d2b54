package io.chatopshub.gitlab;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.chatopshub.dedup.StateStore;

/**
 * Makes triggering a pipeline happen at most once per release request (the Slack {@code event_id}),
 * even when the worker dies between the trigger call and recording its answer and the queue
 * delivers the request again.
 *
 * <p>The request is marked {@link Phase#TRIGGERING} before the call and {@link Phase#TRIGGERED}
 * after it. A redelivery that finds {@code TRIGGERING} cannot know whether GitLab created the
 * pipeline, so it must not trigger again: it tells the person the state is unknown and where to
 * look. Failures that certainly created nothing ({@link PipelineNotCreatedException}) are
 * {@link #abandon abandoned} so a retry may trigger.
 */
public final class ReleaseRequests {

    static final Duration DEFAULT_TTL = Duration.ofDays(1);

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .registerModule(new JavaTimeModule());

    private final StateStore store;
    private final Duration ttl;
    private final Clock clock;

    public ReleaseRequests(StateStore store) {
        this(store, DEFAULT_TTL, Clock.systemUTC());
    }

    ReleaseRequests(StateStore store, Duration ttl, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
    }

    public enum Phase {
        /** The trigger call may have been made; its answer was not recorded. */
        TRIGGERING,
        /** GitLab created {@link RequestState#pipeline()}. */
        TRIGGERED,
        /** Answered without a pipeline (guarded, refused by GitLab, nothing to release); see {@code outcome}. */
        ANSWERED
    }

    /**
     * @param phase    where the request got to
     * @param since    when it got there
     * @param pipeline the created pipeline, in {@code TRIGGERED}
     * @param outcome  a short reason, in {@code ANSWERED} (e.g. {@code bad_trigger_token}, {@code guarded})
     * @param reply    what the person was told, in {@code ANSWERED}, so a redelivery tells the same
     */
    public record RequestState(Phase phase, Instant since, Pipeline pipeline, String outcome, String reply) {
    }

    /**
     * Claims the request before triggering.
     *
     * @return true when the caller must trigger now; false when the request was seen before
     *         (read {@link #state} to answer without triggering)
     */
    public boolean begin(String requestId) {
        return store.claim(key(requestId), write(new RequestState(Phase.TRIGGERING, clock.instant(), null, null, null)), ttl);
    }

    /** Records the pipeline GitLab created for the request. */
    public void complete(String requestId, Pipeline pipeline) {
        store.put(key(requestId), write(new RequestState(Phase.TRIGGERED, clock.instant(), pipeline, null, null)), ttl);
    }

    /** Records that the request was answered without a pipeline, so a redelivery answers the same. */
    public void answered(String requestId, String outcome, String reply) {
        store.put(key(requestId), write(new RequestState(Phase.ANSWERED, clock.instant(), null, outcome, reply)), ttl);
    }

    /** Forgets the request after a failure that certainly created nothing, so a retry may trigger. */
    public void abandon(String requestId) {
        store.remove(key(requestId));
    }

    /**
     * What became of the request. An entry that cannot be read counts as {@code TRIGGERING}: when
     * in doubt, do not trigger twice.
     */
    public Optional<RequestState> state(String requestId) {
        return store.get(key(requestId)).map(v -> read(v).orElse(new RequestState(Phase.TRIGGERING, null, null, null, null)));
    }

    static String key(String requestId) {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("a release request needs an id");
        }
        return "gitlab:request:" + requestId;
    }

    private static String write(RequestState s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<RequestState> read(String value) {
        try {
            return Optional.of(JSON.readValue(value, RequestState.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
