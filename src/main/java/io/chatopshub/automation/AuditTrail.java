package io.chatopshub.automation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who ran which runbook, where, with what, and how it ended: one JSON object per line in
 * {@code {data-dir}/audit/runbooks.jsonl}. A plain append-only file survives restarts, can be
 * shipped by any log collector, and is read by {@code /actuator/audit}.
 *
 * <p>Each line is written and flushed before {@link #record} returns. Credential-looking
 * parameter values are masked here, whoever builds the entry.
 */
public class AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final TypeReference<Map<String, Object>> LINE = new TypeReference<>() {
    };

    private final Path file;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.INDENT_OUTPUT);

    public AuditTrail(Path dataDir, Clock clock) {
        this.file = dataDir.resolve("audit").resolve("runbooks.jsonl");
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /** Appends {@code entry}, stamped with the current time. */
    public synchronized void record(AuditEntry entry) {
        String line;
        try {
            line = json.writeValueAsString(entry.stamped(clock.instant()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write audit entry for request " + entry.requestId(), e);
        }
        try {
            Files.createDirectories(file.getParent());
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
                writer.write(line);
                writer.write('\n');
                writer.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the audit trail " + file, e);
        }
    }

    /**
     * The newest {@code limit} entries, newest first. A line that is not JSON (cut short by a
     * crash) is skipped rather than hiding everything after it.
     */
    public synchronized List<Map<String, Object>> read(int limit) {
        if (limit <= 0 || !Files.exists(file)) {
            return List.of();
        }
        Deque<String> newest = new ArrayDeque<>(Math.min(limit, 1024));
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (newest.size() == limit) {
                    newest.removeFirst();
                }
                newest.addLast(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the audit trail " + file, e);
        }
        List<Map<String, Object>> entries = new ArrayList<>(newest.size());
        var lines = newest.descendingIterator();
        while (lines.hasNext()) {
            try {
                entries.add(json.readValue(lines.next(), LINE));
            } catch (JsonProcessingException e) {
                LOG.warn("Skipping an unreadable line in {}", file);
            }
        }
        return entries;
    }
}
