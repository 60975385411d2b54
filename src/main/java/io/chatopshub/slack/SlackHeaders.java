package io.chatopshub.slack;

/**
 * Names of the headers a Slack request carries through the hub's routes. Routes users write
 * ({@code slack-command-*}, {@code slack-mention-*}, {@code slack-action-*}) read these.
 */
public final class SlackHeaders {

    public static final String USER_ID = "SlackUserId";
    public static final String USER_NAME = "SlackUserName";
    public static final String TEAM_ID = "SlackTeamId";
    public static final String CHANNEL_ID = "SlackChannelId";
    public static final String CHANNEL_NAME = "SlackChannelName";
    public static final String COMMAND = "SlackCommand";
    public static final String TEXT = "SlackText";
    public static final String RESPONSE_URL = "SlackResponseUrl";
    public static final String TRIGGER_ID = "SlackTriggerId";
    public static final String TS = "SlackTs";
    public static final String THREAD_TS = "SlackThreadTs";
    public static final String MENTION_KEYWORD = "SlackMentionKeyword";
    public static final String EVENT_ID = "SlackEventId";
    public static final String MESSAGE_TS = "SlackMessageTs";
    public static final String ACTION_ID = "SlackActionId";
    public static final String ACTION_VALUE = "SlackActionValue";

    private SlackHeaders() {
    }
}
