package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTests {

    private static final Instant NOW = Instant.parse("2024-05-01T10:02:00Z");

    @TempDir
    Path dataDir;

    private AuditTrail trail() {
        return new AuditTrail(dataDir, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static RunbookRequest request(String id) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("AppName", "web");
        parameters.put("AdminPassword", "hunter2");
        parameters.put("client_secret", "s3cr3t");
        parameters.put("SasToken", "sv=2020");
        parameters.put("StorageKey", "k3y");
        return new RunbookRequest(id, "Restart-WebApp", parameters, "T1", "C1", "U-ALICE",
                Instant.parse("2024-05-01T10:00:00Z"), "job-" + id);
    }

    @Test
    void eachEntryIsOneJsonLineWithWhoWhereWhatAndCredentialsMasked() throws Exception {
        AuditTrail trail = trail();

        trail.record(AuditEntry.approved(request("r1"), "U-BOB"));

        List<String> lines = Files.readAllLines(dataDir.resolve("audit/runbooks.jsonl"));
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.get("time").asText()).isEqualTo("2024-05-01T10:02:00Z");
        assertThat(line.get("event").asText()).isEqualTo("APPROVED");
        assertThat(line.get("userId").asText()).isEqualTo("U-ALICE");
        assertThat(line.get("teamId").asText()).isEqualTo("T1");
        assertThat(line.get("channelId").asText()).isEqualTo("C1");
        assertThat(line.get("runbook").asText()).isEqualTo("Restart-WebApp");
        assertThat(line.get("approvedBy").asText()).isEqualTo("U-BOB");
        assertThat(line.get("jobName").asText()).isEqualTo("job-r1");
        assertThat(line.get("parameters").get("AppName").asText()).isEqualTo("web");
        for (String secret : List.of("AdminPassword", "client_secret", "SasToken", "StorageKey")) {
            assertThat(line.get("parameters").get(secret).asText()).isEqualTo("***");
        }
        assertThat(lines.get(0)).doesNotContain("hunter2", "s3cr3t", "sv=2020", "k3y").doesNotContain("rejectedBy");
    }

    @Test
    void refusalsRecordTheReason() {
        AuditTrail trail = trail();

        trail.record(AuditEntry.refused(request("r2"), "USER_NOT_ALLOWED"));

        assertThat(trail.read(1).get(0)).containsEntry("event", "REFUSED").containsEntry("reason", "USER_NOT_ALLOWED");
    }

    @Test
    void outcomesRecordStatusAndTimings() {
        AuditTrail trail = trail();
        AutomationJob job = new AutomationJob("job-r3", JobStatus.COMPLETED, "Completed", "Succeeded", null,
                Instant.parse("2024-05-01T10:00:10Z"), Instant.parse("2024-05-01T10:01:30Z"), null, false);

        trail.record(AuditEntry.finished(request("r3"), job));

        assertThat(trail.read(1).get(0)).containsEntry("outcome", "Completed")
                .containsEntry("requestedAt", "2024-05-01T10:00:00Z")
                .containsEntry("startedAt", "2024-05-01T10:00:10Z")
                .containsEntry("endedAt", "2024-05-01T10:01:30Z")
                .containsEntry("durationSeconds", 90);
    }

    @Test
    void readReturnsTheNewestFirstAndSkipsABrokenLine() throws Exception {
        AuditTrail trail = trail();
        trail.record(AuditEntry.allowed(request("a")));
        trail.record(AuditEntry.allowed(request("b")));
        Files.writeString(trail.file(), "{\"event\":\"cut sho\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        trail.record(AuditEntry.allowed(request("c")));

        assertThat(trail.read(3)).extracting(e -> e.get("requestId")).containsExactly("c", "b");
        assertThat(trail.read(2)).extracting(e -> e.get("requestId")).containsExactly("c");
        assertThat(trail.read(10)).extracting(e -> e.get("requestId")).containsExactly("c", "b", "a");
        assertThat(new AuditEndpoint(trail).entries(null)).hasSize(3);
        assertThat(new AuditEndpoint(trail).entries(1)).extracting(e -> e.get("requestId")).containsExactly("c");
    }

    @Test
    void anEmptyTrailReadsAsNothing() {
        assertThat(trail().read(10)).isEmpty();
    }

    @Test
    void concurrentWritersNeverInterleaveLines() throws Exception {
        AuditTrail trail = trail();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "r" + i;
            writes.add(pool.submit(() -> trail.record(AuditEntry.allowed(request(id)))));
        }
        for (Future<?> write : writes) {
            write.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<String> lines = Files.readAllLines(trail.file());
        assertThat(lines).hasSize(200);
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            assertThat(json.readTree(line).get("event").asText()).isEqualTo("ALLOWED");
        }
    }
}
