package io.chatopshub.cloudwatch;

import static io.chatopshub.cloudwatch.SnsMessageVerifierTests.alarm;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatopshub.alerts.Alert;
import io.chatopshub.alerts.AlertJson;
import io.chatopshub.alerts.AlertMessages;
import io.chatopshub.alerts.AlertSource;
import io.chatopshub.alerts.AlertStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CloudwatchAlarmsTests {

    private static SnsMessage notification(String message) {
        return new SnsMessage("Notification", "0f6c7c1e-5d2b-5b4f-9a43-3e1c2f0b9d11",
                "arn:aws:sns:ap-northeast-1:123456789012:chatops-alarms", "ALARM: \"api-5xx-high\" in Asia Pacific (Tokyo)",
                message, "2026-11-21T10:00:13.456Z", "2", "sig", "https://sns.ap-northeast-1.amazonaws.com/x.pem",
                null, null, null);
    }

    @Test
    void alarmBecomesCriticalAlertKeyedOnTheAlarmArn() {
        Alert alert = CloudwatchAlarms.toAlert(notification(alarm("alarm-alarm.json"))).orElseThrow();

        assertThat(alert.source()).isEqualTo(AlertSource.CLOUDWATCH);
        assertThat(alert.key()).isEqualTo("arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:api-5xx-high");
        assertThat(alert.status()).isEqualTo(AlertStatus.CRITICAL);
        assertThat(alert.title()).isEqualTo("api-5xx-high");
        assertThat(alert.target()).isEqualTo("AWS/ApplicationELB HTTPCode_Target_5XX_Count (LoadBalancer=app/shop-api/50dc6c495c0c9188)");
        assertThat(alert.reason()).startsWith("Threshold Crossed: 1 out of the last 1 datapoints");
        assertThat(alert.changedAt()).isEqualTo(Instant.parse("2026-11-21T10:00:12.345Z"));
        assertThat(alert.alertUrl()).isEqualTo("https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home"
                + "?region=ap-northeast-1#alarmsV2:alarm/api-5xx-high");
        assertThat(alert.details()).containsEntry("newStateValue", "ALARM").containsEntry("oldStateValue", "OK")
                .containsEntry("region", "ap-northeast-1").containsEntry("regionName", "Asia Pacific (Tokyo)");
        assertThat(alert.dedupKey()).isEqualTo("cloudwatch:0f6c7c1e-5d2b-5b4f-9a43-3e1c2f0b9d11");
        assertThat(AlertJson.read(AlertJson.write(alert))).isEqualTo(alert);
    }

    @Test
    void slackTextIsTheAwsSentence() {
        Alert alert = CloudwatchAlarms.toAlert(notification(alarm("alarm-alarm.json"))).orElseThrow();

        assertThat(AlertMessages.alert(alert).text()).isEqualTo("api-5xx-high state is now ALARM: Threshold Crossed: "
                + "1 out of the last 1 datapoints [12.0 (21/11/26 09:59:00)] was greater than the threshold (10.0) "
                + "(minimum 1 datapoint for OK -&gt; ALARM transition).");
    }

    @Test
    void okHasTheSameKeyAsItsAlarm() {
        Alert alarm = CloudwatchAlarms.toAlert(notification(alarm("alarm-alarm.json"))).orElseThrow();
        Alert ok = CloudwatchAlarms.toAlert(notification(alarm("alarm-ok.json"))).orElseThrow();

        assertThat(ok.status()).isEqualTo(AlertStatus.OK);
        assertThat(ok.key()).isEqualTo(alarm.key());
        assertThat(ok.changedAt()).isAfter(alarm.changedAt());
    }

    @Test
    void insufficientDataIsUnknownAndMetricMathShowsTheExpression() {
        Alert alert = CloudwatchAlarms.toAlert(notification(alarm("alarm-insufficient-metric-math.json"))).orElseThrow();

        assertThat(alert.status()).isEqualTo(AlertStatus.UNKNOWN);
        assertThat(alert.target()).isEqualTo("metric math: m1/600");
        assertThat(alert.details()).containsEntry("region", "us-east-1").doesNotContainKey("alarmDescription");
        assertThat(AlertMessages.alert(alert).text())
                .isEqualTo("queue-age-ratio state is now INSUFFICIENT_DATA: Insufficient Data: 1 datapoint was unknown.");
    }

    @Test
    void messagesThatAreNotAlarmsGiveNoAlert() {
        assertThat(CloudwatchAlarms.toAlert(notification("plain text"))).isEmpty();
        assertThat(CloudwatchAlarms.toAlert(notification("{\"detail-type\":\"EC2 Instance State-change\"}"))).isEmpty();
        assertThat(CloudwatchAlarms.toAlert(notification("[1]"))).isEmpty();
    }
}
