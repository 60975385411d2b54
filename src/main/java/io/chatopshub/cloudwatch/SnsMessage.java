package io.chatopshub.cloudwatch;

/**
 * An SNS HTTP(S) delivery after its signature was checked. Field names follow the SNS JSON keys.
 *
 * @param type             {@code Notification}, {@code SubscriptionConfirmation} or {@code UnsubscribeConfirmation}
 * @param message          the published message; for CloudWatch alarms a JSON string
 * @param subject          null when the publisher set none
 * @param subscribeUrl     only on confirmations
 * @param token            only on confirmations
 */
public record SnsMessage(
        String type,
        String messageId,
        String topicArn,
        String subject,
        String message,
        String timestamp,
        String signatureVersion,
        String signature,
        String signingCertUrl,
        String subscribeUrl,
        String unsubscribeUrl,
        String token) {

    public static final String NOTIFICATION = "Notification";
    public static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    public static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

    public boolean isNotification() {
        return NOTIFICATION.equals(type);
    }

    public boolean isSubscriptionConfirmation() {
        return SUBSCRIPTION_CONFIRMATION.equals(type);
    }

    /** SNS keeps the {@code MessageId} for every retry of one message, so it identifies the delivery. */
    public String dedupKey() {
        return "sns:" + messageId;
    }

    /**
     * The canonical string SNS signed: {@code key\nvalue\n} for each signed key present, in byte
     * order of the key names. {@code Subject} counts only when present.
     */
    String stringToSign() {
        var text = new StringBuilder();
        append(text, "Message", message);
        append(text, "MessageId", messageId);
        if (isNotification()) {
            append(text, "Subject", subject);
            append(text, "Timestamp", timestamp);
        } else {
            append(text, "SubscribeURL", subscribeUrl);
            append(text, "Timestamp", timestamp);
            append(text, "Token", token);
        }
        append(text, "TopicArn", topicArn);
        append(text, "Type", type);
        return text.toString();
    }

    private static void append(StringBuilder text, String key, String value) {
        if (value != null) {
            text.append(key).append('\n').append(value).append('\n');
        }
    }
}
