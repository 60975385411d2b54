package io.chatopshub.slack;

import java.util.List;

/**
 * Adds lines to the help reply a mention gets. Each integration knows best what a person can do
 * with it in a given channel (what can be released there, which runbooks they may run).
 */
public interface HelpContributor {

    /** Lines in Slack mrkdwn for this channel and user; empty when nothing applies. */
    List<String> helpLines(String teamId, String channelId, String userId);
}
