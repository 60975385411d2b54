package io.chatopshub.automation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.chatopshub.dedup.StateStore;
import io.chatopshub.slack.Mrkdwn;
import io.chatopshub.slack.SlackHeaders;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.SlackClient.PostedMessage;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;

/**
 * Starts a job and follows it until it ends, posting one progress message per job and
 * updating it on every status change.
 *
 * <p>Work arrives as JMS messages, and each may be delivered twice (a crash before the commit, a
 * second instance on a shared broker). What must happen once is guarded by the
 * {@link TrackedJob} entry in the {@link StateStore}: the progress message is posted by the
 * delivery that claimed the entry, the job is created under the name derived from the Slack
 * request (Azure keeps one job per name), and each poll carries a number that must match the
 * entry's, so a copy of an old poll does nothing. A poll that is due sets
 * {@value RunbookHeaders#POLL_SEQ} and {@value RunbookHeaders#DUE_AT}; the route turns that into
 * a delayed, de-duplicated message on the broker, which survives restarts and reaches one
 * instance only.
 */
@Component("runbookJobs")
public class RunbookJobs {

    static final String KEY_PREFIX = "runbook:job:";
    /** A claim to post whose holder vanished (its message was replayed from the DLQ) is taken over after this. */
    static final Duration TAKE_OVER_AFTER = Duration.ofMinutes(5);
    /** Finished entries stay a while so late copies of polls find them and do nothing. */
    static final Duration KEEP_FINISHED = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(RunbookJobs.class);

    private final AzureAutomationClient azure;
    private final SlackClient slack;
    private final StateStore store;
    private final AuditTrail audit;
    private final AzureProperties properties;
    private final Clock clock;
    private final InFlightJobs inFlight;

    RunbookJobs(AzureAutomationClient azure, SlackClient slack, StateStore store, AuditTrail audit,
                AzureProperties properties, Clock clock, InFlightJobs inFlight) {
        this.azure = azure;
        this.slack = slack;
        this.store = store;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
        this.inFlight = inFlight;
    }

    /** Posts the progress message (once), creates the job (once) and schedules the first poll. */
    public void start(Exchange exchange) {
        Message in = exchange.getIn();
        RunbookRequest request = StateJson.read(in.getBody(String.class), RunbookRequest.class);
        String approvedBy = in.getHeader(RunbookHeaders.APPROVED_BY, String.class);
        String holder = holder(exchange);
        String key = key(request.jobName());
        clearSchedule(in);
        Instant now = clock.instant();

        TrackedJob tracked = read(key).orElse(null);
        if (tracked == null) {
            TrackedJob claim = TrackedJob.posting(request, holder, now, approvedBy);
            if (store.claim(key, StateJson.write(claim), ttl())) {
                tracked = claim;
                inFlight.add(request.jobName());
            } else {
                tracked = read(key).orElseThrow(() -> new TransientFailureException("the tracking of job "
                        + request.jobName() + " vanished", (Duration) null));
            }
        }
        if (tracked.phase() == TrackedJob.Phase.POSTING) {
            boolean mine = holder.equals(tracked.holder()) || tracked.since().plus(TAKE_OVER_AFTER).isBefore(now);
            if (!mine) {
                throw new TransientFailureException("another delivery is posting the progress message of job "
                        + request.jobName(), Duration.ofSeconds(5));
            }
            AutomationJob initial = new AutomationJob(request.jobName(), JobStatus.NEW, JobStatus.NEW.azureName(),
                    null, null, null, null, null, !azure.isConfigured());
            ObjectNode message = RunbookMessages.progress(request, initial, notes(tracked), tracked.cancellable());
            PostedMessage posted = slack.postMessage(request.channelId(), null, message.path("text").asText(),
                    message.get("blocks").toString());
            tracked = swap(key, tracked, tracked.posted(posted.channel(), posted.ts(), initial.statusText(), now));
        }
        if (tracked.phase() == TrackedJob.Phase.STARTING) {
            AutomationJob job;
            try {
                job = azure.startJob(request.jobName(), request.runbook(), request.parameters());
            } catch (PermanentFailureException e) {
                notStarted(key, tracked, e);
                return;
            }
            String status = statusText(job);
            if (!status.equals(tracked.status())) {
                update(tracked, job);
            }
            tracked = swap(key, tracked, tracked.tracking(status, clock.instant()));
            audit.record(AuditEntry.started(request, job));
            LOG.info("job {} of runbook {} started for {}: {}", request.jobName(), request.runbook(),
                    request.userId(), status);
        }
        if (tracked.phase() == TrackedJob.Phase.TRACKING) {
            schedule(in, tracked);
        }
    }

    /**
     * One poll: reads the job, updates the progress message when its status changed, posts the
     * output when it ended, and schedules the next poll otherwise.
     */
    public void poll(Exchange exchange) {
        Message in = exchange.getIn();
        String jobName = in.getHeader(RunbookHeaders.JOB_NAME, String.class);
        Integer seq = in.getHeader(RunbookHeaders.POLL_SEQ, Integer.class);
        clearSchedule(in);
        if (jobName == null || seq == null) {
            LOG.warn("poll message without {} or {} ignored", RunbookHeaders.JOB_NAME, RunbookHeaders.POLL_SEQ);
            return;
        }
        String key = key(jobName);
        TrackedJob tracked = read(key).orElse(null);
        if (tracked == null || tracked.phase() != TrackedJob.Phase.TRACKING) {
            LOG.debug("poll {} of job {} ignored: {}", seq, jobName, tracked == null ? "not tracked" : tracked.phase());
            return;
        }
        if (tracked.seq() == seq + 1) {
            // this poll was done but the next one may not have been queued before a crash
            schedule(in, tracked);
            return;
        }
        if (tracked.seq() != seq) {
            LOG.debug("stale poll {} of job {} ignored (due: {})", seq, jobName, tracked.seq());
            return;
        }
        RunbookRequest request = tracked.request();
        Instant now = clock.instant();
        if (tracked.since().plus(properties.trackingLimit()).isBefore(now)) {
            stopWatching(key, tracked);
            return;
        }
        AutomationJob job;
        try {
            job = azure.getJob(jobName);
        } catch (PermanentFailureException e) {
            refusedWhileTracking(key, tracked, e);
            return;
        }
        String status = statusText(job);
        if (!status.equals(tracked.status())) {
            update(tracked, job);
            if (job.status().needsPerson()) {
                slack.postMessage(tracked.channel(), tracked.ts(), RunbookMessages.needsPerson(request, job), null);
            }
            LOG.info("job {} of runbook {}: {} -> {}", jobName, request.runbook(), tracked.status(), status);
        }
        if (job.status().isFinal()) {
            postOutput(tracked, job);
            swap(key, tracked, tracked.done(status));
            audit.record(AuditEntry.finished(request, job));
            return;
        }
        schedule(in, swap(key, tracked, tracked.polled(status)));
    }

    private void postOutput(TrackedJob tracked, AutomationJob job) {
        RunbookRequest request = tracked.request();
        String output;
        try {
            output = azure.getOutput(job.name());
        } catch (PermanentFailureException e) {
            slack.postMessage(tracked.channel(), tracked.ts(),
                    RunbookMessages.azureRefused(request, e.code(), e.getMessage()), null);
            return;
        }
        ObjectNode message = RunbookMessages.output(request, job, output);
        slack.postMessage(tracked.channel(), tracked.ts(), message.path("text").asText(), message.get("blocks").toString());
    }

    private void notStarted(String key, TrackedJob tracked, PermanentFailureException e) {
        RunbookRequest request = tracked.request();
        LOG.warn("job {} of runbook {} not started: {} {}", request.jobName(), request.runbook(), e.code(),
                e.getMessage());
        ObjectNode message = RunbookMessages.notStarted(request, notes(tracked));
        slack.updateMessage(tracked.channel(), tracked.ts(), message.path("text").asText(),
                message.get("blocks").toString());
        slack.postMessage(tracked.channel(), tracked.ts(), RunbookMessages.azureRefused(request, e.code(), e.getMessage()),
                null);
        swap(key, tracked, tracked.done("not started"));
        audit.record(AuditEntry.failed(request, e.code() + ": " + e.getMessage()));
    }

    private void refusedWhileTracking(String key, TrackedJob tracked, PermanentFailureException e) {
        RunbookRequest request = tracked.request();
        LOG.warn("job {} can no longer be followed: {} {}", request.jobName(), e.code(), e.getMessage());
        slack.postMessage(tracked.channel(), tracked.ts(), RunbookMessages.azureRefused(request, e.code(), e.getMessage()),
                null);
        swap(key, tracked, tracked.done(tracked.status()));
        audit.record(AuditEntry.failed(request, e.code() + ": " + e.getMessage()));
    }

    private void stopWatching(String key, TrackedJob tracked) {
        RunbookRequest request = tracked.request();
        String note = RunbookMessages.stoppedWatching(properties.trackingLimit());
        List<String> notes = new ArrayList<>(notes(tracked));
        notes.add(note);
        AutomationJob last = new AutomationJob(request.jobName(), JobStatus.of(tracked.status()), tracked.status(),
                null, null, null, null, null, !azure.isConfigured());
        ObjectNode message = RunbookMessages.progress(request, last, notes);
        slack.updateMessage(tracked.channel(), tracked.ts(), message.path("text").asText(), message.get("blocks").toString());
        slack.postMessage(tracked.channel(), tracked.ts(), note, null);
        swap(key, tracked, tracked.done(tracked.status()));
        audit.record(AuditEntry.failed(request, "stopped watching after " + properties.trackingLimit()
                + " in status " + tracked.status()));
        LOG.warn("stopped watching job {} after {} in status {}", request.jobName(), properties.trackingLimit(),
                tracked.status());
    }

    private void update(TrackedJob tracked, AutomationJob job) {
        ObjectNode message = RunbookMessages.progress(tracked.request(), job, notes(tracked), tracked.cancellable());
        slack.updateMessage(tracked.channel(), tracked.ts(), message.path("text").asText(), message.get("blocks").toString());
    }

    private static List<String> notes(TrackedJob tracked) {
        List<String> notes = new ArrayList<>();
        if (tracked.approvedBy() != null) {
            notes.add(RunbookMessages.approvedBy(tracked.approvedBy()));
        }
        if (tracked.stopSent()) {
            notes.add(RunbookMessages.stoppedBy(tracked.stoppedBy()));
        }
        return notes;
    }

    /**
     * A press of Cancel on the progress message: the requester, or whoever approved the run, stops
     * the job in Azure. The presser is recorded (compare-and-set) before Azure is asked, so of two
     * presses one stops it and the other is told who did; a retry of the first asks Azure again,
     * which does no harm. Everyone else is refused, to themselves alone.
     */
    public void cancel(Exchange exchange) {
        Message in = exchange.getIn();
        String jobName = in.getHeader(SlackHeaders.ACTION_VALUE, String.class);
        String user = in.getHeader(SlackHeaders.USER_ID, String.class);
        String responseUrl = in.getHeader(SlackHeaders.RESPONSE_URL, String.class);
        if (user == null || user.isBlank()) {
            LOG.warn("Cancel of job {} without a user refused", jobName);
            return;
        }
        TrackedJob tracked = jobName == null ? null : read(key(jobName)).orElse(null);
        if (tracked == null) {
            refuse(responseUrl, "The hub no longer follows this job; stop it in the Azure portal if it still runs.");
            return;
        }
        String key = key(jobName);
        RunbookRequest request = tracked.request();
        boolean mayStop = user.equals(request.userId()) || user.equals(tracked.approvedBy());
        if (!mayStop) {
            audit.record(AuditEntry.refusedPress(request, user, "NOT_REQUESTER_OR_APPROVER"));
            LOG.info("Cancel of job {} by {} refused: neither requester nor approver", jobName, user);
            refuse(responseUrl, "Only " + (tracked.approvedBy() == null ? "<@" + request.userId() + ">, who asked for it,"
                    : "<@" + request.userId() + ">, who asked for it, or <@" + tracked.approvedBy()
                    + ">, who approved it,") + " may stop this job.");
            return;
        }
        if (tracked.stoppedBy() != null && (tracked.stopSent() || !user.equals(tracked.stoppedBy()))) {
            refuse(responseUrl, "This job was already stopped by <@" + tracked.stoppedBy() + ">.");
            return;
        }
        if (tracked.phase() == TrackedJob.Phase.DONE) {
            refuse(responseUrl, "This job has already ended (" + Mrkdwn.escape(String.valueOf(tracked.status())) + ").");
            return;
        }
        if (tracked.phase() != TrackedJob.Phase.TRACKING) {
            refuse(responseUrl, "This job is still being started in Azure; press Cancel again in a moment.");
            return;
        }
        if (tracked.stoppedBy() == null) {
            tracked = swap(key, tracked, tracked.stopping(user));
        }
        azure.stopJob(jobName);
        tracked = recordStopSent(key, tracked);
        audit.record(AuditEntry.stopped(request, user));
        LOG.info("job {} of runbook {} stopped by {}", jobName, request.runbook(), user);
        AutomationJob shown = new AutomationJob(jobName, JobStatus.of(tracked.status()), tracked.status(), null, null,
                null, null, null, !azure.isConfigured());
        ObjectNode message = RunbookMessages.progress(request, shown, notes(tracked), false);
        slack.updateMessage(tracked.channel(), tracked.ts(), message.path("text").asText(), message.get("blocks").toString());
    }

    private void refuse(String responseUrl, String mrkdwn) {
        if (responseUrl != null) {
            slack.postToUrl("response_url", responseUrl, RunbookMessages.refusal(":no_entry: " + mrkdwn).toString());
        }
    }

    private void schedule(Message in, TrackedJob tracked) {
        in.setHeader(RunbookHeaders.JOB_NAME, tracked.request().jobName());
        in.setHeader(RunbookHeaders.POLL_SEQ, tracked.seq());
        in.setHeader(RunbookHeaders.DUE_AT, clock.millis() + properties.pollInterval().toMillis());
    }

    private static void clearSchedule(Message in) {
        in.removeHeader(RunbookHeaders.POLL_SEQ);
        in.removeHeader(RunbookHeaders.DUE_AT);
    }

    private Optional<TrackedJob> read(String key) {
        return store.get(key).map(json -> StateJson.read(json, TrackedJob.class));
    }

    /** Compare-and-set; losing means another delivery moved the job on, so this one starts over. */
    /**
     * Records that Azure was asked to stop the job. The job's tracker may have moved the state on
     * meanwhile (a poll): then the stop is recorded on the newer state instead of failing the press,
     * whose retry would ask Azure a second time.
     */
    private TrackedJob recordStopSent(String key, TrackedJob tracked) {
        TrackedJob current = tracked;
        for (int attempt = 0; attempt < 10; attempt++) {
            if (replaced(key, current, current.stopped())) {
                return current.stopped();
            }
            current = read(key).orElse(null);
            if (current == null) {
                return tracked.stopped();
            }
        }
        return swap(key, current, current.stopped());
    }

    private TrackedJob swap(String key, TrackedJob expected, TrackedJob next) {
        if (!replaced(key, expected, next)) {
            throw new TransientFailureException("job " + expected.request().jobName()
                    + " was moved on by another delivery; reading it again", Duration.ofSeconds(1));
        }
        return next;
    }

    /** Compare-and-set of the job's state; a job that is done is no longer in flight. */
    private boolean replaced(String key, TrackedJob expected, TrackedJob next) {
        Duration ttl = next.phase() == TrackedJob.Phase.DONE ? KEEP_FINISHED : ttl();
        if (!store.replace(key, StateJson.write(expected), StateJson.write(next), ttl)) {
            return false;
        }
        if (next.phase() == TrackedJob.Phase.DONE) {
            inFlight.remove(next.request().jobName());
        }
        return true;
    }

    private Duration ttl() {
        return properties.trackingLimit().plus(KEEP_FINISHED);
    }

    static String key(String jobName) {
        return KEY_PREFIX + jobName;
    }

    static String holder(Exchange exchange) {
        String id = exchange.getIn().getHeader("JMSMessageID", String.class);
        return id != null ? id : exchange.getExchangeId();
    }

    private static String statusText(AutomationJob job) {
        return job.statusText() != null ? job.statusText() : job.status().azureName();
    }
}
