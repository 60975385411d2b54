package io.chatopshub.cloudwatch;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which SNS deliveries the hub trusts.
 *
 * @param topicArns     SNS topics whose messages are accepted; empty accepts none
 * @param snsUrlPattern the only URLs the hub fetches signing certificates and subscription
 *                      confirmations from; matched from the start of the URL. The default admits
 *                      {@code https://sns.<region>.amazonaws.com[.cn]/} and nothing else (a region
 *                      name such as {@code eu-west-1}, so not {@code sns.s3.amazonaws.com})
 * @param maxMessageAge  how old a message's signed {@code Timestamp} may be: an older one is a
 *                      replay of a captured delivery (SNS signs messages once, so a signature stays
 *                      valid for as long as its certificate). Longer than the subscription's
 *                      delivery retry window, or late retries are refused
 */
@ConfigurationProperties("chatops.cloudwatch")
public record CloudwatchProperties(
        @DefaultValue List<String> topicArns,
        @DefaultValue(DEFAULT_SNS_URL_PATTERN) String snsUrlPattern,
        @DefaultValue("1h") Duration maxMessageAge) {

    public static final String DEFAULT_SNS_URL_PATTERN = "^https://sns\\.[a-z]{2}(-[a-z]+)+-[0-9]{1,2}\\.amazonaws\\.com(\\.cn)?/";
    private static final Pattern TOPIC_ARN = Pattern.compile("^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,256}$");

    public CloudwatchProperties {
        topicArns = topicArns == null ? List.of() : topicArns.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String arn : topicArns) {
            if (!TOPIC_ARN.matcher(arn).matches()) {
                throw new IllegalArgumentException("chatops.cloudwatch.topic-arns: '" + arn
                        + "' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)");
            }
        }
        if (snsUrlPattern == null || snsUrlPattern.isBlank()) {
            snsUrlPattern = DEFAULT_SNS_URL_PATTERN;
        }
        if (maxMessageAge == null) {
            maxMessageAge = Duration.ofHours(1);
        }
        if (maxMessageAge.isNegative() || maxMessageAge.isZero()) {
            throw new IllegalArgumentException("chatops.cloudwatch.max-message-age must be positive, was " + maxMessageAge);
        }
        try {
            Pattern.compile(snsUrlPattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("chatops.cloudwatch.sns-url-pattern is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
    }

    public boolean enabled() {
        return !topicArns.isEmpty();
    }
}
