package io.chatopshub.slack.socket;

import java.util.concurrent.TimeUnit;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.util.http.SlackHttpClient;

import io.micrometer.core.instrument.MeterRegistry;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.chatopshub.slack.SlackInbound;
import io.chatopshub.slack.SlackProperties;
import io.chatopshub.system.inbound.InboundEdge;

/**
 * Socket Mode, beside the HTTP endpoints: the connections, and the one seam through which they
 * hand payloads to the Slack edge. Without {@code chatops.slack.app-token} nothing connects.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SocketModeProperties.class)
class SocketModeConfiguration {

    @Bean
    SlackEnvelopeSink slackEnvelopeSink(SlackInbound slackInbound, InboundEdge inboundEdge) {
        return new EdgeEnvelopeSink(slackInbound, inboundEdge);
    }

    @Bean
    SocketModeConnections slackSocketConnections(SocketModeProperties properties, SlackProperties slack,
                                                 SlackEnvelopeSink sink, ObjectProvider<HealthContributorRegistry> health,
                                                 ObjectProvider<MeterRegistry> meters) {
        return new SocketModeConnections(properties, () -> socketModeSlack(slack), sink, health, meters);
    }

    /** apps.connections.open goes to chatops.slack.url, like every other Web API call. */
    private static Slack socketModeSlack(SlackProperties properties) {
        var config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(properties.methodsUrlPrefix());
        config.setPrettyResponseLoggingEnabled(false);
        config.setLibraryMaintainerMode(false);
        config.setStatsEnabled(false);
        var http = new OkHttpClient.Builder().connectTimeout(5, TimeUnit.SECONDS).readTimeout(15, TimeUnit.SECONDS)
                .build();
        return Slack.getInstance(config, new SlackHttpClient(http));
    }
}
