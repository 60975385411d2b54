package io.chatopshub.slack.socket;

/** The Socket Mode envelopes the hub takes, each the twin of one HTTP endpoint. */
public enum EnvelopeKind {
    /** {@code events_api}: what {@code POST /slack/events} receives. */
    EVENTS_API,
    /** {@code slash_commands}: what {@code POST /slack/commands} receives. */
    SLASH_COMMANDS,
    /** {@code interactive}: what {@code POST /slack/interactions} receives. */
    INTERACTIVE
}
