package io.chatopshub.slack;

import java.time.Clock;
import java.time.Duration;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.chatopshub.slack.socket.SocketModeProperties;
import io.chatopshub.system.IntegrationStatus;
import io.chatopshub.system.OutboundMetrics;
import io.chatopshub.system.Secrets;

/** The Slack Web API client and what the startup report says about Slack. */
@Configuration(proxyBeanMethods = false)
class SlackConfiguration {

    /** Slack allows about one message per second per channel. */
    static final Duration CHANNEL_SPACING = Duration.ofSeconds(1);

    /** Outermost on Slack's paths, so every refusal on them is marked, the body filter's and the early answers' too. */
    @Bean
    FilterRegistrationBean<SlackNoRetry> slackNoRetryFilter() {
        var registration = new FilterRegistrationBean<>(new SlackNoRetry());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        registration.addUrlPatterns("/slack/*");
        return registration;
    }

    @Bean
    SlackClient slackClient(SlackProperties properties, Clock clock, OutboundMetrics metrics) {
        var client = new SlackClient(properties, clock, CHANNEL_SPACING);
        client.setOutboundMetrics(metrics);
        client.setRateLimitListener(method -> metrics.rateLimited("slack", method));
        return client;
    }

    @Bean
    IntegrationStatus slackStatus(SlackProperties properties, SocketModeProperties socketMode) {
        return new IntegrationStatus() {
            @Override
            public String name() {
                return "slack";
            }

            @Override
            public Mode mode() {
                if (!properties.hasSigningSecret() && !socketMode.enabled()) {
                    return Mode.DISABLED;
                }
                return properties.hasBotToken() ? Mode.CONFIGURED : Mode.DRY_RUN;
            }

            @Override
            public String detail() {
                String http = properties.hasSigningSecret() ? "/slack endpoints verify signatures"
                        : "/slack endpoints refuse every request (no chatops.slack.signing-secret"
                                + (socketMode.enabled() ? ": Slack comes over Socket Mode only)" : "; chatops.slack.enabled=false)");
                String inbound = socketMode.enabled()
                        ? "Socket Mode on (" + socketMode.socket().connections() + " connections, no public URL needed); "
                                + http
                        : "HTTP mode (Socket Mode off: no chatops.slack.app-token); " + http;
                String outbound = properties.hasBotToken() ? "Web API at " + properties.url()
                        : "no bot token, Web API calls logged as DRY-RUN";
                return inbound + "; " + outbound + "; alert channel "
                        + (properties.alertChannel() == null || properties.alertChannel().isBlank() ? "not set"
                                : properties.alertChannel())
                        + "; incoming webhook " + Secrets.presence(properties.webhookUrl());
            }
        };
    }
}
