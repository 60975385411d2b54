package io.chatopshub.alerts;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code chatops.slack.ops-channel}: where the hub tells people that an alert could not be
 * delivered. Bound on its own, beside the other {@code chatops.slack} keys, so the alerts need
 * nothing more of the Slack configuration than this one key.
 *
 * @param opsChannel Slack channel id; blank: {@code chatops.slack.alert-channel}
 */
@ConfigurationProperties("chatops.slack")
record OpsChannelProperties(String opsChannel) {
}
