package io.chatopshub.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnsUrlsTests {

    private final SnsUrls urls = new SnsUrls(CloudwatchProperties.DEFAULT_SNS_URL_PATTERN);

    @ParameterizedTest
    @ValueSource(strings = {
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
        "https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
        "https://sns.eu-central-2.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns.us-isob-east-1.amazonaws.com/SimpleNotificationService-abc.pem"
    })
    void realSnsCertificateUrlsAreAllowed(String url) {
        assertThat(urls.certificateAllowed(url)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://sns.us-east-1.amazonaws.com.evil.com/x.pem",
        "https://sns.us-east-1.amazonaws.com@evil.example/x.pem",
        "https://s3.amazonaws.com/x.pem",
        "http://sns.us-east-1.amazonaws.com/x.pem",
        "https://sns.us-east-1.amazonaws.com/x.pem#frag",
        "https://sns.us-east-1.amazonaws.com/x.pem?x=1",
        "https://sns.us-east-1.amazonaws.com/x .pem",
        "https://sns.us-east-1.amazonaws.com/..\\x.pem",
        "https://SNS.US-EAST-1.AMAZONAWS.COM/x.pem",
        "https://sns.s3.amazonaws.com/x.pem",
        "https://sns.x.amazonaws.com/x.pem",
        "https://sns.evil-bucket.amazonaws.com/x.pem",
        "https://sns.us-east-1.s3.amazonaws.com/x.pem"
    })
    void lookalikeCertificateUrlsAreRefused(String url) {
        assertThat(urls.certificateAllowed(url)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:t&Token=abc"
    })
    void realSubscribeUrlIsAllowed(String url) {
        assertThat(urls.subscribeAllowed(url)).isTrue();
        assertThat(urls.certificateAllowed(url)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://evil.example/?Action=ConfirmSubscription",
        "https://sns.us-east-1.amazonaws.com.evil.com/?Action=ConfirmSubscription",
        "http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"
    })
    void foreignSubscribeUrlsAreRefused(String url) {
        assertThat(urls.subscribeAllowed(url)).isFalse();
    }
}
