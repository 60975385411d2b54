package io.chatopshub.system.inbound;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.CamelContext;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.apache.camel.component.servlet.ServletComponent;
import org.apache.camel.http.common.HttpConsumer;
import org.apache.camel.http.common.ServletResolveConsumerStrategy;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.chatopshub.system.WebhookPaths;

/**
 * The servlet the webhook paths are served by: Camel's own ({@code camel-servlet}), mapped on
 * {@code /slack/*} and {@code /hooks/*}, so the edge's routes ({@code servlet:/slack/events}, ...)
 * run on the request's own thread (a virtual thread on Java 21+) straight from Tomcat. Spring
 * MVC's dispatcher stays for the console, the actuator and the error pages; the webhook paths do
 * not go through its handler lookup, its asynchronous hand-over to a task pool and its second
 * dispatch for the answer, which took about half of the CPU of an acknowledgement (BENCHMARKS.md).
 */
@Configuration(proxyBeanMethods = false)
class WebhookServletConfiguration {

    /**
     * Camel finds a servlet by its name in a registry shared by the whole JVM, so each hub in one
     * JVM (the test suite starts several) names its own.
     */
    private static final AtomicInteger HUBS = new AtomicInteger();

    @Bean
    ServletRegistrationBean<CamelHttpTransportServlet> webhookServlet(CamelContext camel) {
        int hub = HUBS.incrementAndGet();
        String name = hub == 1 ? "webhooks" : "webhooks-" + hub;
        camel.getComponent("servlet", ServletComponent.class).setServletName(name);
        var servlet = new CamelHttpTransportServlet() {
            @Override
            public void init(ServletConfig config) throws ServletException {
                super.init(config);
                // after Camel's init, which sets its own (REST) strategy
                setServletResolveConsumerStrategy(new WholePath());
            }
        };
        var registration = new ServletRegistrationBean<CamelHttpTransportServlet>(servlet, "/slack/*", "/hooks/*");
        registration.setName(name);
        registration.setLoadOnStartup(1);
        return registration;
    }

    /**
     * Finds the route by the request's whole path ({@code /slack/events}), where Camel's default
     * looks at the part after the servlet's mapping only ({@code /events}), which two mappings
     * would make ambiguous. A path no route serves is 404; a method the route does not take, 405
     * (Camel's servlet decides which from {@link #isHttpMethodAllowed}).
     */
    static final class WholePath implements ServletResolveConsumerStrategy {

        @Override
        public HttpConsumer resolve(HttpServletRequest request, Map<String, HttpConsumer> consumers) {
            String path = WebhookPaths.mappedPath(request);
            for (HttpConsumer consumer : consumers.values()) {
                if (path.equals(consumer.getPath())) {
                    return consumer;
                }
            }
            return null;
        }

        @Override
        public boolean isHttpMethodAllowed(HttpServletRequest request, String method, Map<String, HttpConsumer> consumers) {
            HttpConsumer consumer = resolve(request, consumers);
            if (consumer == null) {
                return false;
            }
            String restrict = consumer.getEndpoint().getHttpMethodRestrict();
            return restrict == null || restrict.toUpperCase(Locale.ROOT).contains(method.toUpperCase(Locale.ROOT));
        }
    }
}
