package io.chatopshub.slack.early;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.chatopshub.slack.SlackClient;
import io.chatopshub.slack.socket.SlackEnvelopeSink;
import io.chatopshub.system.inbound.InboundEdge;

/**
 * The hub's side of the early edge: the port handed over just before the web server binds it,
 * the early edge's answers on the hub's own port until its routes run ({@link StartingGate}), and
 * what the early edge took handed to the hub once it is ready ({@link EarlySpoolDrain}). The
 * drain runs whether or not this start had an early edge: a hub killed while it started leaves
 * its deliveries for the next start.
 */
@Configuration(proxyBeanMethods = false)
class EarlyEdgeConfiguration {

    /** Spring Boot's servlet web server starts in this phase ({@code WebServerStartStopLifecycle}). */
    static final int WEB_SERVER_PHASE = Integer.MAX_VALUE - 2048;

    @Bean
    SmartLifecycle earlyEdgeHandover(ObjectProvider<EarlyStart> early) {
        return new Handover(early);
    }

    @Bean
    StartingGate startingGate(ObjectProvider<EarlyStart> early) {
        return new StartingGate(early);
    }

    /** After the raw body is read (InboundBodyFilter, HIGHEST_PRECEDENCE + 10), before anything else sees the request. */
    @Bean
    FilterRegistrationBean<StartingGate> startingGateFilter(StartingGate gate) {
        var registration = new FilterRegistrationBean<>(gate);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
        registration.addUrlPatterns("/slack/*", "/hooks/*");
        return registration;
    }

    @Bean
    EarlySpoolDrain earlySpoolDrain(@Value("${chatops.data-dir:./data}") Path dataDir, StartingGate gate,
                                    SlackEnvelopeSink sink, SlackClient slack, InboundEdge edge, CamelContext camel) {
        return new EarlySpoolDrain(new EarlySpool(dataDir), gate, sink, slack, edge, camel);
    }

    /** Closes the early edge in the phase before the web server's, so the port is free when Tomcat binds it. */
    private static final class Handover implements SmartLifecycle {

        private static final Logger LOG = LoggerFactory.getLogger(EarlyEdge.class);

        private final ObjectProvider<EarlyStart> early;
        private volatile boolean running;

        Handover(ObjectProvider<EarlyStart> early) {
            this.early = early;
        }

        @Override
        public void start() {
            EarlyStart start = early.getIfAvailable();
            if (start != null) {
                start.notes().forEach(LOG::info);
                start.close();
                start.edge().ifPresent(edge -> LOG.info("{}; the port is the hub's now", edge.summary()));
            }
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return WEB_SERVER_PHASE - 1;
        }
    }
}
