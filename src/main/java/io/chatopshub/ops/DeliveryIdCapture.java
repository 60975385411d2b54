package io.chatopshub.ops;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Remembers a delivery's id for the {@link DeliveryLog}: inbound routes set the
 * {@code ChatopsDeliveryId} header in a step and strip every header before answering, so the id
 * is copied to an exchange property as soon as a step has set it.
 */
public class DeliveryIdCapture implements InterceptStrategy {

    static final String HEADER = "ChatopsDeliveryId";
    public static final String PROPERTY = "ChatopsLoggedDeliveryId";

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        return new DelegateAsyncProcessor(AsyncProcessorConverterHelper.convert(target)) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                capture(exchange);
                return processor.process(exchange, doneSync -> {
                    capture(exchange);
                    callback.done(doneSync);
                });
            }
        };
    }

    static String deliveryId(Exchange exchange) {
        String id = exchange.getProperty(PROPERTY, String.class);
        return id != null ? id : exchange.getMessage().getHeader(HEADER, String.class);
    }

    private static void capture(Exchange exchange) {
        if (exchange.getProperty(PROPERTY) == null) {
            String id = exchange.getMessage().getHeader(HEADER, String.class);
            if (id != null) {
                exchange.setProperty(PROPERTY, id);
            }
        }
    }
}
