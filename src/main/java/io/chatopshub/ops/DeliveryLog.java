package io.chatopshub.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import io.chatopshub.system.DeadLetterQueue;
import io.chatopshub.system.Secrets;

/**
 * One log line per delivery, whatever route handled it: which route, which delivery (the
 * {@code ChatopsDeliveryId} the route assigned), how it ended and how long it took. Inbound
 * deliveries (HTTP) and queued work (JMS) are logged; internal hops (direct:, timers) are not,
 * because they are part of a delivery already counted.
 *
 * <p>Outcomes: inbound {@code accepted} (2xx), {@code duplicate} (a retry recognised by the
 * de-duplication), {@code refused} (4xx), {@code error} (5xx or an unhandled failure); queued work
 * {@code done}, {@code dead-lettered} (parked in the dead-letter queue), {@code rolled-back}
 * (handed back to the broker, which redelivers it later).
 *
 * <p>The same fields are attached as key-value pairs, so JSON logs carry them as fields.
 */
class DeliveryLog extends EventNotifierSupport {

    static final String LOGGER = "io.chatopshub.Delivery";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    DeliveryLog() {
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        Kind kind = kindOf(exchange);
        if (kind == null || exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null) {
            return;
        }
        boolean failed = event instanceof CamelEvent.ExchangeFailedEvent;
        String outcome = outcome(kind, exchange, failed);
        LoggingEventBuilder line = switch (outcome) {
            case "error", "rolled-back", "dead-lettered" -> LOG.atWarn();
            default -> LOG.atInfo();
        };
        StringBuilder message = new StringBuilder("delivery");
        List<Object> args = new ArrayList<>();
        field(line, message, args, "route", exchange.getFromRouteId());
        field(line, message, args, "delivery_id", DeliveryIdCapture.deliveryId(exchange));
        field(line, message, args, "outcome", outcome);
        field(line, message, args, "latency_ms", exchange.getClock().elapsed());
        if (kind == Kind.INBOUND) {
            field(line, message, args, "status", status(exchange));
        } else {
            field(line, message, args, "attempt", exchange.getMessage().getHeader("JMSXDeliveryCount", Integer.class));
            Integer retries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
            field(line, message, args, "retries", retries == null || retries == 0 ? null : retries);
        }
        Throwable failure = outcome.equals("done") || outcome.equals("accepted") ? null : failure(exchange);
        if (failure != null) {
            field(line, message, args, "failure",
                    failure.getClass().getSimpleName() + ": " + Secrets.mask(String.valueOf(failure.getMessage())));
        }
        line.log(message.toString(), args.toArray());
    }

    /** Adds {@code name=value} to the text and as a key-value pair; absent values are left out. */
    private static void field(LoggingEventBuilder line, StringBuilder message, List<Object> args, String name, Object value) {
        if (value != null) {
            line.addKeyValue(name, value);
            message.append(' ').append(name).append("={}");
            args.add(value);
        }
    }

    enum Kind {
        INBOUND, QUEUED
    }

    static Kind kindOf(Exchange exchange) {
        Endpoint from = exchange.getFromEndpoint();
        if (from == null || exchange.getFromRouteId() == null) {
            return null;
        }
        String uri = from.getEndpointUri().toLowerCase(Locale.ROOT);
        if (uri.startsWith("servlet:")) {
            return Kind.INBOUND;
        }
        if (uri.startsWith("jms:")) {
            return Kind.QUEUED;
        }
        return null;
    }

    static String outcome(Kind kind, Exchange exchange, boolean failed) {
        if (kind == Kind.INBOUND) {
            if (failed) {
                return "error";
            }
            if (Boolean.TRUE.equals(exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, Boolean.class))) {
                return "duplicate";
            }
            Integer status = status(exchange);
            if (status == null || status < 400) {
                return "accepted";
            }
            return status < 500 ? "refused" : "error";
        }
        if (failed || exchange.isRollbackOnly()) {
            return "rolled-back";
        }
        return Boolean.TRUE.equals(exchange.getProperty(DeadLetterQueue.PARKED, Boolean.class)) ? "dead-lettered" : "done";
    }

    private static Integer status(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static Throwable failure(Exchange exchange) {
        Throwable failure = exchange.getException();
        return failure != null ? failure : exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
    }
}
