package io.chatopshub.alerts;

/**
 * Message headers of the alert queues. Every name starts with {@code Chatops}, so inbound routes
 * keep them while dropping the HTTP headers, and each is a valid JMS property name.
 */
public final class AlertHeaders {

    /** {@code mackerel} or {@code cloudwatch}: {@link AlertSource#id()}. */
    public static final String SOURCE = "ChatopsAlertSource";
    /** What the message is: {@value #ALERT}, {@value #SAMPLE} or {@value #TICKET}. */
    public static final String EVENT = "ChatopsAlertEvent";
    /** The SNS topic a CloudWatch alarm came through. */
    public static final String TOPIC_ARN = "ChatopsTopicArn";
    /** On timer messages of the Slack pipelines: {@value #FLUSH} or {@value #REFRESH}. */
    public static final String TICK = "ChatopsAlertTick";
    /** Which window or digest a timer message is for. */
    public static final String GROUP = "ChatopsAlertGroup";
    /** On a notification taken up again after a wait: when it was scheduled for (epoch millis). */
    public static final String RESUME = "ChatopsAlertResume";
    /** The Slack channel of a Slack pipeline. */
    public static final String CHANNEL = "ChatopsSlackChannel";
    /** Filters of a pipeline, set from its template parameters. */
    public static final String PIPELINE_SOURCE = "ChatopsPipelineSource";
    public static final String PIPELINE_TOPIC_ARN = "ChatopsPipelineTopicArn";
    /** Backlog ids of a pipeline, set from its template parameters; blank: the configured ones. */
    public static final String BACKLOG_PROJECT_ID = "ChatopsBacklogProjectId";
    public static final String BACKLOG_ISSUE_TYPE_ID = "ChatopsBacklogIssueTypeId";
    public static final String BACKLOG_PRIORITY_ID = "ChatopsBacklogPriorityId";
    /** On {@value #TICKET} events: the issue key and its link. */
    public static final String TICKET_KEY = "ChatopsTicketKey";
    public static final String TICKET_URL = "ChatopsTicketUrl";

    /** On an Acknowledge press: the Slack user id and name of who took the alert, once its message shows it. */
    public static final String ACKED_BY = "ChatopsAlertAckedBy";
    public static final String ACKED_BY_NAME = "ChatopsAlertAckedByName";

    public static final String ALERT = "alert";
    public static final String SAMPLE = "sample";
    public static final String TICKET = "ticket";
    public static final String FLUSH = "flush";
    public static final String REFRESH = "refresh";

    private AlertHeaders() {
    }
}
