package io.chatopshub.slack;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.request.chat.ChatUpdateRequest;
import com.slack.api.methods.request.reactions.ReactionsAddRequest;
import com.slack.api.methods.request.usergroups.users.UsergroupsUsersListRequest;
import com.slack.api.methods.request.views.ViewsOpenRequest;
import com.slack.api.methods.request.views.ViewsPublishRequest;
import com.slack.api.model.view.View;
import com.slack.api.util.json.GsonFactory;
import com.slack.api.util.http.SlackHttpClient;
import com.slack.api.webhook.WebhookResponse;

import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.function.SingletonSupplier;

import io.chatopshub.system.DryRun;
import io.chatopshub.system.Json;
import io.chatopshub.system.OutboundMetrics;
import io.chatopshub.system.Pause;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.TransientFailureException;

/**
 * Every call the hub makes to Slack goes through here, on top of the Slack Java SDK.
 *
 * <p>It keeps Slack's rules so callers do not have to: posts to one channel are at least one
 * second apart, however many threads post; after a 429 no request to that method is sent before {@code Retry-After} has
 * passed, and the call is then retried; an {@code ok:false} answer becomes an exception with its
 * error code, transient ones retryable. Without a bot token, Web API calls are logged as DRY-RUN.
 */
public class SlackClient {

    private static final Logger LOG = LoggerFactory.getLogger(SlackClient.class);
    private static final int MAX_RATE_LIMIT_WAITS = 5;
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(2);
    private static final java.util.Set<String> TRANSIENT_ERRORS = java.util.Set.of("ratelimited",
            "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org");

    private static final int ANSWERED_URLS_KEPT = 1_024;

    private final SingletonSupplier<Slack> slack;
    private final String botToken;
    private final Clock clock;
    private final Duration channelSpacing;
    private final Map<String, ChannelGate> channelGates = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> blockedUntilPerMethod = new ConcurrentHashMap<>();
    private final AtomicLong dryRunTs = new AtomicLong();
    /** The response_urls posted to lately (the latest {@value #ANSWERED_URLS_KEPT}): a slow command's route may answer itself. */
    private final Map<String, Boolean> answeredUrls = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > ANSWERED_URLS_KEPT;
        }
    });
    private volatile RateLimitListener rateLimitListener = method -> {
    };
    private volatile OutboundMetrics metrics = OutboundMetrics.disabled();

    public SlackClient(SlackProperties properties, Clock clock, Duration channelSpacing) {
        String methodsUrlPrefix = properties.methodsUrlPrefix();
        this.slack = SingletonSupplier.of(() -> newSlack(methodsUrlPrefix));
        this.botToken = properties.hasBotToken() ? properties.botToken() : null;
        this.clock = clock;
        this.channelSpacing = channelSpacing;
    }

    /**
     * The SDK's client, made on the first call that reaches Slack: its OkHttp client, TLS set-up and
     * the SDK's metrics threads (started even with statistics off) are not needed for the first answer,
     * and never in dry-run.
     */
    private static Slack newSlack(String methodsUrlPrefix) {
        var config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(methodsUrlPrefix);
        config.setPrettyResponseLoggingEnabled(false);
        config.setLibraryMaintainerMode(false);
        config.setStatsEnabled(false);
        var http = new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(15, TimeUnit.SECONDS)
                .writeTimeout(15, TimeUnit.SECONDS)
                .build();
        return Slack.getInstance(config, new SlackHttpClient(http));
    }

    /** Told of every 429 Slack answers, e.g. to count them. */
    public void setRateLimitListener(RateLimitListener listener) {
        this.rateLimitListener = listener;
    }

    /** Where the latency and outcome of every HTTP call to Slack is recorded ({@code integration=slack}). */
    public void setOutboundMetrics(OutboundMetrics metrics) {
        this.metrics = metrics;
    }

    public boolean isDryRun() {
        return botToken == null;
    }

    /** {@code chat.postMessage}; {@code threadTs} and {@code blocksJson} may be null. */
    public PostedMessage postMessage(String channel, String threadTs, String text, String blocksJson) {
        if (isDryRun()) {
            DryRun.log("slack", "chat.postMessage", "channel=" + channel + " thread_ts=" + threadTs + " text=" + text
                    + (blocksJson == null ? "" : " blocks=" + blocksJson));
            return new PostedMessage(channel, "dry-run." + dryRunTs.incrementAndGet());
        }
        var request = ChatPostMessageRequest.builder().token(botToken).channel(channel).threadTs(threadTs)
                .text(text).blocksAsString(blocksJson).unfurlLinks(false).build();
        var response = call("chat.postMessage", channel, () -> slack.obtain().methods().chatPostMessage(request));
        return new PostedMessage(response.getChannel() == null ? channel : response.getChannel(), response.getTs());
    }

    /** {@code chat.update} of a message posted before. */
    public void updateMessage(String channel, String ts, String text, String blocksJson) {
        if (isDryRun()) {
            DryRun.log("slack", "chat.update", "channel=" + channel + " ts=" + ts + " text=" + text
                    + (blocksJson == null ? "" : " blocks=" + blocksJson));
            return;
        }
        var request = ChatUpdateRequest.builder().token(botToken).channel(channel).ts(ts).text(text)
                .blocksAsString(blocksJson).build();
        call("chat.update", null, () -> slack.obtain().methods().chatUpdate(request));
    }

    /**
     * {@code views.open}: shows a modal to the person whose interaction carried {@code triggerId}.
     * The trigger expires within seconds, so call it while the person waits.
     */
    public void openView(String triggerId, String viewJson) {
        if (isDryRun()) {
            DryRun.log("slack", "views.open", "trigger_id=" + triggerId + " view=" + viewJson);
            return;
        }
        var request = ViewsOpenRequest.builder().token(botToken).triggerId(triggerId).viewAsString(viewJson).build();
        call("views.open", null, () -> slack.obtain().methods().viewsOpen(request));
    }

    /** {@code reactions.add}; a reaction that is already there counts as added. */
    public void addReaction(String channel, String ts, String name) {
        if (isDryRun()) {
            DryRun.log("slack", "reactions.add", "channel=" + channel + " timestamp=" + ts + " name=" + name);
            return;
        }
        var request = ReactionsAddRequest.builder().token(botToken).channel(channel).timestamp(ts).name(name).build();
        try {
            call("reactions.add", null, () -> slack.obtain().methods().reactionsAdd(request));
        } catch (PermanentFailureException e) {
            if (!"already_reacted".equals(e.code())) {
                throw e;
            }
        }
    }

    /** {@code views.publish}: replaces what {@code userId} sees in the hub's Home tab. */
    public void publishView(String userId, View view) {
        if (isDryRun()) {
            DryRun.log("slack", "views.publish", "user_id=" + userId + " view="
                    + GsonFactory.createSnakeCase().toJson(view));
            return;
        }
        var request = ViewsPublishRequest.builder().token(botToken).userId(userId).view(view).build();
        call("views.publish", null, () -> slack.obtain().methods().viewsPublish(request));
    }

    /**
     * {@code usergroups.users.list}: the user ids in a Slack user group. Without a bot token the
     * group is taken as empty (and logged as DRY-RUN), so nobody gains a permission in dry-run.
     */
    public java.util.List<String> usergroupMembers(String usergroupId) {
        if (isDryRun()) {
            DryRun.log("slack", "usergroups.users.list", "usergroup=" + usergroupId + " (taken as empty)");
            return java.util.List.of();
        }
        var request = UsergroupsUsersListRequest.builder().token(botToken).usergroup(usergroupId).build();
        var response = call("usergroups.users.list", null, () -> slack.obtain().methods().usergroupsUsersList(request));
        return response.getUsers() == null ? java.util.List.of() : java.util.List.copyOf(response.getUsers());
    }

    /**
     * Text only the person who pressed a button (or typed a command) sees, through its
     * {@code response_url}: ephemeral, the message they acted on left as it is.
     */
    public void answerPrivately(String responseUrl, String text) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("response_type", "ephemeral");
        answer.put("replace_original", false);
        answer.put("text", text);
        postToUrl("response_url", responseUrl, Json.write(answer));
    }

    /** True when a {@code response_url} was posted to through this client lately (among the last 1,024). */
    public boolean hasAnswered(String responseUrl) {
        return responseUrl != null && answeredUrls.containsKey(responseUrl);
    }

    /**
     * POSTs a JSON payload to a {@code response_url} or an incoming webhook. These URLs are
     * credentials themselves, so they are never logged.
     */
    public void postToUrl(String kind, String url, String jsonPayload) {
        if (url == null || url.isBlank()) {
            throw new PermanentFailureException("no_url", kind + " has no URL");
        }
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw new PermanentFailureException("bad_url", kind + " URL is not http(s)");
        }
        if (isDryRun() && "response_url".equals(kind)) {
            // without a bot token nothing leaves the process, response_url included; an incoming
            // webhook is a credential of its own and still used
            DryRun.log("slack", kind, "payload=" + jsonPayload);
            answeredUrls.put(url, true);
            return;
        }
        for (int attempt = 0;; attempt++) {
            awaitMethod(kind);
            WebhookResponse response;
            long start = System.nanoTime();
            try {
                response = slack.obtain().send(url, jsonPayload);
            } catch (IOException e) {
                metrics.record("slack", kind, OutboundMetrics.IO_ERROR, Duration.ofNanos(System.nanoTime() - start));
                throw new TransientFailureException(kind + " could not be reached: " + e.getClass().getSimpleName(), e);
            }
            int code = response.getCode();
            metrics.record("slack", kind, OutboundMetrics.outcomeOf(code), Duration.ofNanos(System.nanoTime() - start));
            if (code >= 200 && code < 300) {
                if ("response_url".equals(kind)) {
                    answeredUrls.put(url, true);
                }
                return;
            }
            if (code == 429) {
                Duration wait = retryAfter(response.getHeaders() == null ? null
                        : first(response.getHeaders().get("retry-after"), response.getHeaders().get("Retry-After")));
                rateLimitListener.rateLimited(kind);
                block(kind, wait);
                if (attempt < MAX_RATE_LIMIT_WAITS) {
                    continue;
                }
                throw new TransientFailureException(kind + " is rate limited", wait);
            }
            String detail = response.getBody() == null ? "" : response.getBody().strip();
            if (code >= 500) {
                throw new TransientFailureException(kind + " answered " + code + " " + detail, (Duration) null);
            }
            throw new PermanentFailureException(detail.isEmpty() ? "http_" + code : detail,
                    kind + " answered " + code + " " + detail);
        }
    }

    private <T extends SlackApiTextResponse> T call(String method, String channel, SlackCall<T> call) {
        if (channel == null) {
            return attempt(method, call);
        }
        ChannelGate gate = channelGates.computeIfAbsent(channel, c -> new ChannelGate());
        synchronized (gate) {
            sleepUntil(gate.nextAllowed);
            try {
                return attempt(method, call);
            } finally {
                gate.nextAllowed = clock.millis() + channelSpacing.toMillis();
            }
        }
    }

    private <T extends SlackApiTextResponse> T attempt(String method, SlackCall<T> call) {
        for (int attempt = 0;; attempt++) {
            awaitMethod(method);
            long start = System.nanoTime();
            String outcome = OutboundMetrics.ERROR;
            try {
                T response = call.call();
                if (response.isOk()) {
                    outcome = OutboundMetrics.SUCCESS;
                    return response;
                }
                String error = response.getError() == null ? "unknown_error" : response.getError();
                if (TRANSIENT_ERRORS.contains(error)) {
                    outcome = OutboundMetrics.TRANSIENT;
                    throw new TransientFailureException("Slack " + method + " failed: " + error, (Duration) null);
                }
                outcome = OutboundMetrics.PERMANENT;
                throw new PermanentFailureException(error, "Slack " + method + " failed: " + error);
            } catch (SlackApiException e) {
                int code = e.getResponse().code();
                outcome = OutboundMetrics.outcomeOf(code);
                if (code == 429) {
                    Duration wait = retryAfter(e.getResponse().header("Retry-After"));
                    LOG.warn("Slack {} answered 429, waiting {} s before trying again", method, wait.toSeconds());
                    rateLimitListener.rateLimited(method);
                    block(method, wait);
                    if (attempt < MAX_RATE_LIMIT_WAITS) {
                        continue;
                    }
                    throw new TransientFailureException("Slack " + method + " is rate limited", wait);
                }
                if (code >= 500) {
                    throw new TransientFailureException("Slack " + method + " answered HTTP " + code, (Duration) null);
                }
                throw new PermanentFailureException("http_" + code, "Slack " + method + " answered HTTP " + code);
            } catch (IOException e) {
                outcome = OutboundMetrics.IO_ERROR;
                throw new TransientFailureException("Slack " + method + " could not be reached: "
                        + e.getClass().getSimpleName(), e);
            } finally {
                metrics.record("slack", method, outcome, Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }

    private void block(String method, Duration wait) {
        long until = clock.millis() + wait.toMillis();
        blockedUntilPerMethod.computeIfAbsent(method, m -> new AtomicLong()).accumulateAndGet(until, Math::max);
    }

    private void awaitMethod(String method) {
        AtomicLong blocked = blockedUntilPerMethod.get(method);
        if (blocked != null) {
            sleepUntil(blocked.get());
        }
    }

    private void sleepUntil(long epochMillis) {
        Pause.until(clock, epochMillis, "waiting for Slack's rate limit");
    }

    private static Duration retryAfter(String header) {
        try {
            long seconds = header == null ? 1 : Long.parseLong(header.trim());
            Duration wait = Duration.ofSeconds(Math.max(1, seconds));
            return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    private static String first(java.util.List<String> a, java.util.List<String> b) {
        if (a != null && !a.isEmpty()) {
            return a.get(0);
        }
        return b != null && !b.isEmpty() ? b.get(0) : null;
    }

    @FunctionalInterface
    private interface SlackCall<T> {
        T call() throws IOException, SlackApiException;
    }

    /** Notified when Slack answers 429. */
    @FunctionalInterface
    public interface RateLimitListener {
        void rateLimited(String method);
    }

    /**
     * Posts to one channel go through its gate one at a time; the next may start no earlier than
     * one spacing after the previous finished, so Slack sees them at least that far apart.
     */
    private static final class ChannelGate {
        private long nextAllowed;
    }

    /** Where a posted message lives, to update it or reply in its thread later. */
    public record PostedMessage(String channel, String ts) {
    }
}
