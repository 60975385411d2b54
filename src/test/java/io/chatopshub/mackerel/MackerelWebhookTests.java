package io.chatopshub.mackerel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertSource;
import io.chatopshub.alerts.AlertStatus;
import io.chatopshub.system.BadRequestException;
import io.chatopshub.system.InvalidSignatureException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MackerelWebhookTests {

    private final MackerelWebhook webhook = new MackerelWebhook(new MackerelProperties("s3cret-Token-42"));

    static String resource(String name) {
        try (InputStream in = MackerelWebhookTests.class.getResourceAsStream("/mackerel/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Alert alertOf(String file) {
        MackerelEvent event = webhook.parse(resource(file));
        assertThat(event).isInstanceOf(MackerelEvent.AlertNotification.class);
        return ((MackerelEvent.AlertNotification) event).alert();
    }

    @Test
    void hostWarningBecomesAlertWithHostTargetLinksAndTimes() {
        Alert alert = alertOf("alert-warning-host.json");

        assertThat(alert.source()).isEqualTo(AlertSource.MACKEREL);
        assertThat(alert.key()).isEqualTo("4gMNqzhbbL9");
        assertThat(alert.status()).isEqualTo(AlertStatus.WARNING);
        assertThat(alert.title()).isEqualTo("CPU usage");
        assertThat(alert.target()).isEqualTo("web-01");
        assertThat(alert.reason()).isEqualTo("CPU % 82.5 > 80");
        assertThat(alert.alertUrl()).isEqualTo("https://mackerel.io/orgs/acme/alerts/4gMNqzhbbL9");
        assertThat(alert.hostUrl()).isEqualTo("https://mackerel.io/orgs/acme/hosts/3Ejv7nNbE5x");
        assertThat(alert.occurredAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(alert.changedAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(alert.details()).containsEntry("type", "host").containsEntry("hostId", "3Ejv7nNbE5x")
                .containsEntry("metricValue", "82.5").containsEntry("warningThreshold", "80");
        assertThat(alert.dedupKey()).isEqualTo("mackerel:4gMNqzhbbL9:warning:1795255200");
    }

    @Test
    void hostCriticalKeepsTheAlertIdAndChangesTheDedupKey() {
        Alert warning = alertOf("alert-warning-host.json");
        Alert critical = alertOf("alert-critical-host.json");

        assertThat(critical.key()).isEqualTo(warning.key());
        assertThat(critical.status()).isEqualTo(AlertStatus.CRITICAL);
        assertThat(critical.changedAt()).isEqualTo(Instant.parse("2026-11-21T10:05:00Z"));
        assertThat(critical.dedupKey()).isNotEqualTo(warning.dedupKey());
    }

    @Test
    void repeatedIdenticalNotificationHasTheSameDedupKey() {
        assertThat(alertOf("alert-critical-host.json").dedupKey())
                .isEqualTo(alertOf("alert-critical-host.json").dedupKey());
    }

    @Test
    void hostOkClosesTheSameAlertId() {
        Alert ok = alertOf("alert-ok-host.json");

        assertThat(ok.key()).isEqualTo("4gMNqzhbbL9");
        assertThat(ok.status()).isEqualTo(AlertStatus.OK);
        assertThat(ok.changedAt()).isEqualTo(Instant.parse("2026-11-21T10:15:00Z"));
        assertThat(ok.details()).containsEntry("isOpen", "false");
    }

    @Test
    void serviceAlertTargetsTheServiceAndHasNoHostUrl() {
        Alert alert = alertOf("alert-critical-service.json");

        assertThat(alert.key()).isEqualTo("4gN2Lmc7tYz");
        assertThat(alert.status()).isEqualTo(AlertStatus.CRITICAL);
        assertThat(alert.target()).isEqualTo("shop");
        assertThat(alert.hostUrl()).isNull();
        assertThat(alert.reason()).isEqualTo("orders.failed 12 > 10");
    }

    @Test
    void hostLessExternalAlertWithEmptyMessageGetsMetricReason() {
        Alert alert = alertOf("alert-warning-host-less.json");

        assertThat(alert.key()).isEqualTo("4gPq8sVbDeR");
        assertThat(alert.target()).isNull();
        assertThat(alert.hostUrl()).isNull();
        assertThat(alert.reason()).isEqualTo("shop.example.com response time 1830 > 1500");
        assertThat(alert.details()).containsEntry("type", "external");
    }

    @Test
    void minimalAlertWithoutIdIsKeyedOnTheIdInItsUrl() {
        Alert alert = alertOf("alert-minimal-host-less.json");

        assertThat(alert.key()).isEqualTo("4gRt5UwXyZa");
        assertThat(alert.status()).isEqualTo(AlertStatus.CRITICAL);
        assertThat(alert.title()).isEqualTo("api health check");
        assertThat(alert.occurredAt()).isEqualTo(Instant.parse("2026-11-21T10:02:00Z"));
    }

    @Test
    void alertGroupWithUpperCaseStatusIsRecognised() {
        MackerelEvent event = webhook.parse(resource("alertgroup-critical.json"));

        assertThat(event).isInstanceOf(MackerelEvent.AlertGroupNotification.class);
        Alert alert = ((MackerelEvent.AlertGroupNotification) event).alert();
        assertThat(alert.key()).isEqualTo("4gSv6VxYzAb");
        assertThat(alert.status()).isEqualTo(AlertStatus.CRITICAL);
        assertThat(alert.title()).isEqualTo("shop frontend");
        assertThat(alert.alertUrl()).isEqualTo("https://mackerel.io/orgs/acme/alert-groups/4gSv6VxYzAb");
        assertThat(alert.occurredAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(alert.details()).containsEntry("event", "alertGroup");
    }

    @Test
    void testButtonIsASample() {
        assertThat(webhook.parse(resource("sample.json")))
                .isEqualTo(new MackerelEvent.Sample("Sample Notification from Mackerel"));
    }

    @Test
    void hostStatusAndUnknownEventsAreIgnored() {
        assertThat(webhook.parse(resource("host-status.json"))).isEqualTo(new MackerelEvent.Ignored("hostStatus"));
        assertThat(webhook.parse("{\"event\":\"somethingNew\",\"extra\":[1,2]}"))
                .isEqualTo(new MackerelEvent.Ignored("somethingNew"));
    }

    @Test
    void unknownKeysAndOddTypesAreTolerated() {
        String body = "{\"event\":\"alert\",\"newTopLevel\":{\"x\":1},\"host\":\"not-an-object\","
                + "\"alert\":{\"id\":\"4gX\",\"status\":\"critical\",\"openedAt\":\"1795255200\",\"newField\":true}}";

        Alert alert = ((MackerelEvent.AlertNotification) webhook.parse(body)).alert();

        assertThat(alert.key()).isEqualTo("4gX");
        assertThat(alert.target()).isNull();
        assertThat(alert.occurredAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
    }

    @Test
    void malformedBodiesAreBadRequests() {
        assertThatThrownBy(() -> webhook.parse("{not json")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> webhook.parse("[1,2]")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> webhook.parse("")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> webhook.parse("{\"event\":\"alert\"}")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> webhook.parse("{\"event\":\"alert\",\"alert\":{\"status\":\"critical\"}}"))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void anAlertWhoseFieldsAreOfTheWrongTypeIsABadRequestNamingEachField() {
        assertThatThrownBy(() -> webhook.parse(
                "{\"event\":\"alert\",\"alert\":{\"id\":5,\"status\":7,\"statusChangedAt\":\"abc\"}}"))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("alert.id must be a non-empty string")
                .hasMessageContaining("alert.status must be a string (ok, warning, critical, unknown)")
                .hasMessageContaining("alert.statusChangedAt must be a number");
        String[][] cases = {
            {"\"id\":\"\",\"status\":\"critical\"", "alert.id"},
            {"\"id\":{\"x\":1},\"status\":\"critical\"", "alert.id"},
            {"\"id\":\"4gX\"", "alert.status"},
            {"\"id\":\"4gX\",\"status\":null", "alert.status"},
            {"\"id\":\"4gX\",\"status\":\" \"", "alert.status"},
            {"\"id\":\"4gX\",\"status\":[\"critical\"]", "alert.status"},
            {"\"url\":7,\"status\":\"critical\"", "alert.url"},
            {"\"id\":\"4gX\",\"status\":\"critical\",\"openedAt\":true", "alert.openedAt"},
            {"\"id\":\"4gX\",\"status\":\"ok\",\"closedAt\":\"yesterday\"", "alert.closedAt"},
            {"\"id\":\"4gX\",\"status\":\"critical\",\"createdAt\":{}", "alert.createdAt"},
            {"\"id\":\"4gX\",\"status\":\"critical\",\"statusChangedAt\":\"-1\"", "alert.statusChangedAt"},
            {"\"status\":\"critical\"", "alert.id or alert.url"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> webhook.parse("{\"event\":\"alert\",\"alert\":{" + c[0] + "}}")).as(c[0])
                    .isInstanceOf(BadRequestException.class).hasMessageContaining(c[1]);
        }
    }

    @Test
    void anAlertGroupWhoseFieldsAreOfTheWrongTypeIsABadRequestNamingEachField() {
        assertThatThrownBy(() -> webhook.parse("{\"event\":\"alertGroup\",\"alertGroup\":{\"id\":5,\"status\":true,"
                + "\"url\":[],\"createdAt\":\"soon\",\"closedAt\":{}}}"))
                .isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("Mackerel alert group refused: ")
                .hasMessageContaining("alertGroup.id must be a non-empty string")
                .hasMessageContaining("alertGroup.url must be a string")
                .hasMessageContaining("alertGroup.status must be a string")
                .hasMessageContaining("alertGroup.createdAt must be a number")
                .hasMessageContaining("alertGroup.closedAt must be a number");
        assertThatThrownBy(() -> webhook.parse("{\"event\":\"alertGroup\",\"alertGroup\":{\"status\":\"OK\"}}"))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("alertGroup.id is required");
        assertThatThrownBy(() -> webhook.parse("{\"event\":\"alertGroup\",\"alertGroup\":\"4gS\"}"))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("without an alertGroup object");
        // what Mackerel leaves out or sends as null is fine, as for alerts
        Alert group = ((MackerelEvent.AlertGroupNotification) webhook.parse("{\"event\":\"alertGroup\",\"alertGroup\":"
                + "{\"id\":\"4gS\",\"status\":\"OK\",\"url\":null,\"createdAt\":1795255200,\"closedAt\":null}}")).alert();
        assertThat(group.status()).isEqualTo(AlertStatus.OK);
    }

    @Test
    void everyMackerelStatusAndNullOrAbsentOptionalFieldsAreAccepted() {
        for (String status : new String[] {"ok", "warning", "critical", "unknown"}) {
            Alert alert = ((MackerelEvent.AlertNotification) webhook.parse("{\"event\":\"alert\",\"alert\":{\"id\":\"4gS\","
                    + "\"url\":null,\"status\":\"" + status + "\",\"openedAt\":null,\"closedAt\":null,"
                    + "\"statusChangedAt\":1795255200}}")).alert();
            assertThat(alert.status().label()).isEqualTo(status);
        }
        // a status Mackerel may add one day is not refused (a refused notification is not sent again)
        Alert newer = ((MackerelEvent.AlertNotification) webhook.parse("{\"event\":\"alert\",\"alert\":{\"id\":\"4gS\","
                + "\"status\":\"degraded\"}}")).alert();
        assertThat(newer.status()).isEqualTo(io.chatopshub.alerts.AlertStatus.UNKNOWN);
        for (String file : new String[] {"alert-warning-host.json", "alert-critical-host.json", "alert-ok-host.json",
            "alert-critical-service.json", "alert-warning-host-less.json", "alert-minimal-host-less.json"}) {
            assertThat(webhook.parse(resource(file))).as(file).isInstanceOf(MackerelEvent.AlertNotification.class);
        }
    }

    @Test
    void tokenMustMatchExactly() {
        assertThatNoException().isThrownBy(() -> webhook.checkToken("s3cret-Token-42"));
        assertThatThrownBy(() -> webhook.checkToken("s3cret-Token-43")).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> webhook.checkToken("s3cret-Token-4")).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> webhook.checkToken(null)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> webhook.checkToken("")).isInstanceOf(InvalidSignatureException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void withoutConfiguredTokenEveryCallIsRefused() {
        var disabled = new MackerelWebhook(new MackerelProperties(" "));

        assertThatThrownBy(() -> disabled.checkToken("")).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> disabled.checkToken(null)).isInstanceOf(InvalidSignatureException.class);
    }
}
