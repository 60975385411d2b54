package io.chatopshub.system;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the hub itself: where embedded stores keep their files, how large an inbound
 * body may be, and when the embedded broker's disk counts as full.
 */
@Validated
@ConfigurationProperties("chatops")
public record HubProperties(@NotNull @DefaultValue("./data") Path dataDir, @Valid @NotNull @DefaultValue Http http,
        @Valid @NotNull @DefaultValue Broker broker) {

    /**
     * The inbound edge's limits on a request body.
     *
     * @param maxBodySize the largest body taken (413 beyond it, checked while it is read)
     * @param bodyTimeout how long a body may take to arrive after its request's headers; a client
     *        still sending then is answered 408 and disconnected. With blocking reads no pause between
     *        two bytes of a body may last this long either (Tomcat's upload timeout), so a slow or
     *        stalled client is answered within twice this and holds a connection (and, on a platform
     *        thread, a request thread) for at most three times it
     * @param nonBlockingReads true: bodies are read without holding a request thread (see
     *        {@code InboundBodyFilter} for what a body cut short is answered then)
     * @param virtualThreads true: on a JVM with virtual threads (21+), each request runs on a virtual
     *        thread of its own, so a slow client parks no pool thread (ignored on JDK 17)
     */
    public record Http(@NotNull @DefaultValue("1MB") DataSize maxBodySize,
            @NotNull @DurationMin(millis = 1) @DefaultValue("10s") Duration bodyTimeout,
            @DefaultValue("false") boolean nonBlockingReads, @DefaultValue("true") boolean virtualThreads) {

        /** Smaller refuses every request: a signed Slack event alone is larger. */
        static final DataSize SMALLEST_BODY_LIMIT = DataSize.ofKilobytes(1);

        public Http {
            if (maxBodySize != null && maxBodySize.compareTo(SMALLEST_BODY_LIMIT) < 0) {
                throw new IllegalArgumentException("chatops.http.max-body-size is " + maxBodySize.toBytes()
                        + " bytes: expected at least 1KB, such as 1MB (a number without a unit is bytes)");
            }
        }
    }

    /**
     * The embedded broker's journal disk. Above {@code maxDiskUsage} percent the broker accepts no
     * new message: the inbound endpoints answer 503 (the sender retries) and readiness goes DOWN,
     * instead of taking a request they could not keep.
     *
     * @param maxDiskUsage   percent of the disk the journal's file system may fill (Artemis max-disk-usage)
     * @param diskScanPeriod how often the disk is looked at
     * @param sendTimeout    how long the edge waits for the broker to confirm a durable write before it
     *                       answers 503 (either broker: embedded or external)
     * @param downAfterFailedWrite how long readiness stays DOWN after such a failure, unless a later
     *                       write is confirmed sooner
     */
    public record Broker(@Min(1) @Max(100) @DefaultValue("90") int maxDiskUsage,
            @NotNull @DefaultValue("5s") Duration diskScanPeriod,
            @NotNull @DurationMin(millis = 100) @DefaultValue("1500ms") Duration sendTimeout,
            @NotNull @DurationMin(seconds = 1) @DefaultValue("30s") Duration downAfterFailedWrite) {
    }
}
