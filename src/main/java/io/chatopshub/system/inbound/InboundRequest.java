package io.chatopshub.system.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import io.chatopshub.system.QueryStrings;
import io.chatopshub.system.RawBody;

/**
 * An inbound request as a kind sees it: the raw body exactly as it arrived, the request's own
 * headers (never Camel's, which mix in query parameters) and its query string. A kind reads only
 * from here, so the same code serves HTTP and payloads from other channels.
 */
public final class InboundRequest {

    private final String method;
    private final byte[] body;
    private final UnaryOperator<String> headers;
    private final String query;
    private Map<String, String[]> queryParameters;

    public InboundRequest(String method, byte[] body, UnaryOperator<String> headers, String query) {
        this.method = method == null ? "POST" : method;
        this.body = body == null ? new byte[0] : body;
        this.headers = headers == null ? name -> null : headers;
        this.query = query;
    }

    /** A trusted payload with no HTTP around it (e.g. from a Socket Mode envelope). */
    public static InboundRequest ofBody(String body) {
        return new InboundRequest("POST", body.getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** The HTTP request behind an exchange of the webhook servlet. */
    public static InboundRequest of(Exchange exchange) {
        Message in = exchange.getIn();
        HttpServletRequest servlet = RawBody.request(exchange);
        if (servlet != null) {
            return new InboundRequest(servlet.getMethod(), RawBody.of(exchange), servlet::getHeader,
                    servlet.getQueryString());
        }
        return new InboundRequest(in.getHeader(Exchange.HTTP_METHOD, String.class), RawBody.of(exchange),
                name -> in.getHeader(name, String.class), in.getHeader(Exchange.HTTP_QUERY, String.class));
    }

    public String method() {
        return method;
    }

    public byte[] body() {
        return body;
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A request header (case-insensitive), or null. */
    public String header(String name) {
        return headers.apply(name);
    }

    /** The query string's parameters, decoded strictly. */
    public Map<String, String[]> queryParameters() {
        if (queryParameters == null) {
            queryParameters = QueryStrings.parse(query);
        }
        return queryParameters;
    }

    /** The first value of a query parameter, or null. */
    public String queryParameter(String name) {
        String[] values = queryParameters().get(name);
        return values == null || values.length == 0 ? null : values[0];
    }
}
