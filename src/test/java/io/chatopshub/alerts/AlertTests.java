package io.chatopshub.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertTests {

    static Alert sample() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("type", "host");
        details.put("metricValue", "95.1");
        details.put("dropped", null);
        return new Alert(AlertSource.MACKEREL, "4gMNqzhbbL9", AlertStatus.CRITICAL, "CPU usage", "web-01",
                "CPU % 95.1 > 90", "https://mackerel.io/orgs/acme/alerts/4gMNqzhbbL9",
                "https://mackerel.io/orgs/acme/hosts/3Ejv7nNbE5x", Instant.parse("2026-11-21T10:00:00Z"),
                Instant.parse("2026-11-21T10:05:00Z"), details, "mackerel:4gMNqzhbbL9:critical:1795255500");
    }

    @Test
    void survivesTheQueueAsJson() {
        Alert alert = sample();

        String json = AlertJson.write(alert);

        assertThat(json).contains("\"occurredAt\":\"2026-11-21T10:00:00Z\"").contains("\"status\":\"CRITICAL\"");
        assertThat(AlertJson.read(json)).isEqualTo(alert);
    }

    @Test
    void springStyleObjectMapperReadsTheSameJson() throws Exception {
        ObjectMapper spring = new ObjectMapper().findAndRegisterModules();
        Alert alert = sample();

        assertThat(spring.readValue(AlertJson.write(alert), Alert.class)).isEqualTo(alert);
        assertThat(AlertJson.read(spring.writeValueAsString(alert))).isEqualTo(alert);
    }

    @Test
    void fieldsAddedByANewerVersionAreIgnoredAndNullsOmitted() {
        Alert read = AlertJson.read("{\"source\":\"CLOUDWATCH\",\"key\":\"arn:aws:cloudwatch:us-east-1:1:alarm:x\","
                + "\"status\":\"UNKNOWN\",\"dedupKey\":\"cloudwatch:m1\",\"severityScore\":7}");

        assertThat(read.details()).isEmpty();
        assertThat(read.target()).isNull();
        assertThat(AlertJson.write(read)).doesNotContain("target").doesNotContain("null");
    }

    @Test
    void nullDetailValuesAreDroppedAndDetailsAreImmutable() {
        Alert alert = sample();

        assertThat(alert.details()).containsOnlyKeys("type", "metricValue");
        assertThatThrownBy(() -> alert.details().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void notAnAlertIsRefused() {
        assertThatThrownBy(() -> AlertJson.read("{\"key\":\"x\"}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusesAreNormalised() {
        assertThat(AlertStatus.fromMackerel("warning")).isEqualTo(AlertStatus.WARNING);
        assertThat(AlertStatus.fromMackerel("CRITICAL")).isEqualTo(AlertStatus.CRITICAL);
        assertThat(AlertStatus.fromMackerel("OK")).isEqualTo(AlertStatus.OK);
        assertThat(AlertStatus.fromMackerel("unknown")).isEqualTo(AlertStatus.UNKNOWN);
        assertThat(AlertStatus.fromMackerel("brand-new")).isEqualTo(AlertStatus.UNKNOWN);
        assertThat(AlertStatus.fromCloudwatch("ALARM")).isEqualTo(AlertStatus.CRITICAL);
        assertThat(AlertStatus.fromCloudwatch("OK")).isEqualTo(AlertStatus.OK);
        assertThat(AlertStatus.fromCloudwatch("INSUFFICIENT_DATA")).isEqualTo(AlertStatus.UNKNOWN);
    }
}
