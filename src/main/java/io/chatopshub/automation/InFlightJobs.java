package io.chatopshub.automation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.stereotype.Component;
import org.springframework.jmx.export.annotation.ManagedResource;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.system.TransientFailureException;

/**
 * The runbook jobs the hub is following right now, for operators (Hawtio's JMX tab). The list of
 * names lives in the shared state store and is changed by compare-and-set, so every instance sees
 * the same jobs whichever one started them.
 */
@Component("runbookInFlight")
@ManagedResource(objectName = "io.chatopshub:type=RunbookJobs", description = "Runbook jobs being followed")
public class InFlightJobs {

    static final String KEY = "runbook:inflight";
    private static final Duration KEEP = Duration.ofDays(30);
    private static final int ATTEMPTS = 20;

    private final StateStore store;

    InFlightJobs(StateStore store) {
        this.store = store;
    }

    void add(String jobName) {
        change(names -> {
            names.add(jobName);
            return names;
        });
    }

    void remove(String jobName) {
        change(names -> {
            names.remove(jobName);
            return names;
        });
    }

    /** Job names in the order they started. */
    public List<String> names() {
        return new ArrayList<>(parse(store.get(KEY)));
    }

    /**
     * A job the hub is following, as people see it.
     *
     * @param status the status last shown in its progress message, as Azure spells it; null before it was posted
     */
    public record Job(String jobName, String runbook, String userId, String channelId, String status, Instant since) {
    }

    /** The jobs not yet done, in the order they started (the Home tab). */
    public List<Job> inFlight() {
        List<Job> jobs = new ArrayList<>();
        for (String name : names()) {
            store.get(RunbookJobs.key(name)).map(json -> StateJson.read(json, TrackedJob.class))
                    .filter(job -> job.phase() != TrackedJob.Phase.DONE)
                    .ifPresent(job -> jobs.add(new Job(name, job.request().runbook(), job.request().userId(),
                            job.request().channelId(), job.status(), job.since())));
        }
        return jobs;
    }

    @ManagedOperation(description = "Runbook jobs in flight: job name, runbook, requester, channel, status, since")
    public List<String> listInFlight() {
        List<String> lines = new ArrayList<>();
        for (String name : names()) {
            store.get(RunbookJobs.key(name)).map(json -> StateJson.read(json, TrackedJob.class))
                    .filter(job -> job.phase() != TrackedJob.Phase.DONE)
                    .ifPresent(job -> lines.add(name + " runbook=" + job.request().runbook() + " user="
                            + job.request().userId() + " channel=" + job.request().channelId() + " status="
                            + job.status() + " phase=" + job.phase() + " since=" + job.since()));
        }
        return lines;
    }

    private void change(UnaryOperator<Set<String>> edit) {
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<String> current = store.get(KEY);
            String next = String.join("\n", edit.apply(parse(current)));
            boolean done = current.isEmpty() ? store.claim(KEY, next, KEEP) : store.replace(KEY, current.get(), next, KEEP);
            if (done) {
                return;
            }
        }
        throw new TransientFailureException("the list of runbook jobs in flight is changing too fast", Duration.ofSeconds(1));
    }

    private static Set<String> parse(Optional<String> value) {
        Set<String> names = new LinkedHashSet<>();
        value.ifPresent(v -> Arrays.stream(v.split("\n")).filter(s -> !s.isBlank()).forEach(names::add));
        return names;
    }
}
