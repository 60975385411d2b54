package io.chatopshub.system;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.common.HttpMessage;

/**
 * Access to the request body exactly as it arrived, captured by the inbound filter before any
 * parsing, for signature checks and for parsing that must not be influenced by Camel's own
 * form handling.
 */
public final class RawBody {

    static final String ATTRIBUTE = "io.chatopshub.rawBody";

    private RawBody() {
    }

    /** The HTTP request an exchange came from (Camel's servlet), or null. */
    public static HttpServletRequest request(Exchange exchange) {
        Message in = exchange.getIn();
        if (in instanceof HttpMessage http) {
            return http.getRequest();
        }
        return in.getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
    }

    /** The body the inbound filter read from this request, or null when it read none. */
    public static byte[] of(HttpServletRequest request) {
        return request != null && request.getAttribute(ATTRIBUTE) instanceof byte[] bytes ? bytes : null;
    }

    public static byte[] of(Exchange exchange) {
        Message in = exchange.getIn();
        byte[] raw = of(request(exchange));
        if (raw != null) {
            return raw;
        }
        byte[] body = in.getBody(byte[].class);
        return body == null ? new byte[0] : body;
    }

    public static String asString(Exchange exchange) {
        return new String(of(exchange), StandardCharsets.UTF_8);
    }
}
