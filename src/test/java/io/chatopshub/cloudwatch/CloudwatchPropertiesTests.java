package io.chatopshub.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatopshub.system.IntegrationStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class CloudwatchPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(CloudwatchConfiguration.class);

    @Test
    void defaultsAcceptNoTopicAndOnlySnsHosts() {
        runner.run(context -> {
            CloudwatchProperties properties = context.getBean(CloudwatchProperties.class);
            assertThat(properties.topicArns()).isEmpty();
            assertThat(properties.snsUrlPattern()).isEqualTo("^https://sns\\.[a-z]{2}(-[a-z]+)+-[0-9]{1,2}\\.amazonaws\\.com(\\.cn)?/");
            assertThat(properties.maxMessageAge()).isEqualTo(Duration.ofHours(1));
            assertThat(context.getBean(IntegrationStatus.class).mode()).isEqualTo(IntegrationStatus.Mode.DISABLED);
        });
    }

    @Test
    void topicsAreBoundAsAList() {
        runner.withPropertyValues("chatops.cloudwatch.topic-arns[0]=arn:aws:sns:ap-northeast-1:123456789012:alarms",
                "chatops.cloudwatch.topic-arns[1]=arn:aws-cn:sns:cn-north-1:123456789012:alarms").run(context -> {
                    assertThat(context.getBean(CloudwatchProperties.class).topicArns()).hasSize(2);
                    IntegrationStatus status = context.getBean(IntegrationStatus.class);
                    assertThat(status.name()).isEqualTo("cloudwatch");
                    assertThat(status.mode()).isEqualTo(IntegrationStatus.Mode.CONFIGURED);
                });
    }

    @Test
    void badUrlPatternFailsStartupNamingTheKey() {
        runner.withPropertyValues("chatops.cloudwatch.sns-url-pattern=^https://(sns").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("chatops.cloudwatch.sns-url-pattern is not a valid regular expression");
        });
    }

    @Test
    void somethingThatIsNotATopicArnFailsStartup() {
        runner.withPropertyValues("chatops.cloudwatch.topic-arns=chatops-alarms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("chatops.cloudwatch.topic-arns: 'chatops-alarms' is not an SNS topic ARN");
        });
    }

    @Test
    void maximumMessageAgeIsBoundAndMustBePositive() {
        runner.withPropertyValues("chatops.cloudwatch.max-message-age=15m").run(context ->
                assertThat(context.getBean(CloudwatchProperties.class).maxMessageAge()).isEqualTo(Duration.ofMinutes(15)));
        runner.withPropertyValues("chatops.cloudwatch.max-message-age=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("chatops.cloudwatch.max-message-age must be positive");
        });
    }
}
