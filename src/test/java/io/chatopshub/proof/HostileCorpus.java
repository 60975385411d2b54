package io.chatopshub.proof;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates requests every endpoint must refuse with a 4xx: for each endpoint, its valid body
 * with every way of getting authentication wrong, and authentic (correctly signed or tokened)
 * bodies that are malformed, truncated, oversized, deeply nested, not UTF-8 or of the wrong
 * media type, plus wrong methods, odd paths and requests that break HTTP itself.
 */
final class HostileCorpus {

    /** How the body of an endpoint is shaped. */
    enum Shape {
        JSON, FORM, PAYLOAD_FORM,
        /** Everything in the query string; the body is not read. */
        QUERY
    }

    /** Query string and headers that authenticate a body, or fail to. */
    record Credentials(String query, Map<String, String> headers) {

        static Credentials none() {
            return new Credentials("", Map.of());
        }

        static Credentials headers(Map<String, String> headers) {
            return new Credentials("", headers);
        }

        static Credentials query(String query) {
            return new Credentials(query, Map.of());
        }
    }

    /** How an endpoint authenticates a request: the right way and the wrong ways. */
    interface Authentication {

        Credentials sign(byte[] body);

        Map<String, Credentials> forgeries(byte[] body);

        /** Bodies that carry their own (wrong) authentication, such as SNS messages. */
        default Map<String, byte[]> forgedBodies(byte[] body) {
            return Map.of();
        }
    }

    /**
     * An endpoint under test. {@code validBody} is accepted by the hub when authentic; the corpus
     * sends it only with forged credentials or a wrong media type. For {@link Shape#QUERY} it is
     * the query string (without credentials), and {@code allowedMethods} lists the methods the
     * endpoint serves besides POST.
     */
    record Endpoint(String path, String contentType, Shape shape, Authentication authentication, String validBody,
            List<String> allowedMethods) {

        Endpoint(String path, String contentType, Shape shape, Authentication authentication, String validBody) {
            this(path, contentType, shape, authentication, validBody, List.of());
        }
    }

    private final long maxBodySize;
    private final List<HostileRequest> requests = new ArrayList<>();

    HostileCorpus(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    List<HostileRequest> requests() {
        return List.copyOf(requests);
    }

    HostileCorpus add(Endpoint endpoint) {
        if (endpoint.shape() == Shape.QUERY) {
            return addQueryEndpoint(endpoint);
        }
        byte[] valid = endpoint.validBody().getBytes(StandardCharsets.UTF_8);
        forged(endpoint, valid);
        endpoint.authentication().forgedBodies(valid).forEach((name, body) ->
                requests.add(authentic(endpoint, "forged body: " + name, endpoint.contentType(), body)));
        switch (endpoint.shape()) {
            case JSON -> malformedJson(endpoint, valid);
            case FORM -> malformedForms(endpoint, valid);
            case PAYLOAD_FORM -> malformedPayloads(endpoint, valid);
            default -> throw new IllegalArgumentException(endpoint.shape().name());
        }
        oversized(endpoint, valid);
        wrongMediaTypes(endpoint, valid);
        wrongMethods(endpoint, valid);
        oddPaths(endpoint, valid);
        brokenHttp(endpoint, valid);
        return this;
    }

    /** An endpoint driven by its query string: wrong credentials, malformed parameters, wrong methods. */
    private HostileCorpus addQueryEndpoint(Endpoint e) {
        String valid = e.validBody();
        byte[] none = new byte[0];
        e.authentication().forgeries(none).forEach((name, credentials) -> {
            for (String method : queryMethods(e)) {
                requests.add(new HostileRequest("forged: " + name, method, withQuery(e.path(), join(credentials.query(), valid)),
                        credentials.headers(), none, HostileRequest.Transport.FIXED));
            }
        });
        var credentials = e.authentication().sign(none);
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("no parameters", "");
        queries.put("result missing", valid.replaceAll("result=[^&]*&?", ""));
        queries.put("unknown result", valid.replaceAll("result=[^&]*", "result=maybe"));
        queries.put("channel missing", valid.replaceAll("channel=[^&]*&?", ""));
        queries.put("timestamp not a Slack ts", valid.replaceAll("timestamp=[^&]*", "timestamp=yesterday"));
        queries.put("unknown source", valid.replaceAll("source=[^&]*", "source=nowhere"));
        queries.put("malformed escape", valid + "&x=%zz");
        queries.put("escape that is not UTF-8", valid.replaceAll("channel=[^&]*", "channel=%FF"));
        queries.put("truncated escape", valid + "&x=%2");
        queries.put("huge value", valid.replaceAll("channel=[^&]*", "channel=" + "C".repeat(7000)));
        queries.forEach((name, query) -> {
            for (String method : queryMethods(e)) {
                requests.add(new HostileRequest(name, method, withQuery(e.path(), join(credentials.query(), query)),
                        credentials.headers(), none, HostileRequest.Transport.FIXED));
            }
        });
        for (String method : new String[] { "GET", "PUT", "DELETE", "PATCH" }) {
            if (!e.allowedMethods().contains(method)) {
                requests.add(new HostileRequest("method " + method, method, withQuery(e.path(), join(credentials.query(), valid)),
                        credentials.headers(), none, HostileRequest.Transport.FIXED));
            }
        }
        requests.add(HostileRequest.post("unsigned body over the limit", withQuery(e.path(), valid), e.contentType(),
                utf8("x".repeat((int) maxBodySize + 1)), Map.of()));
        requests.add(HostileRequest.raw("declares 10 GB and sends nothing", e.path(),
                "POST " + e.path() + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000000\r\n\r\n"));
        brokenHttp(e, none);
        return this;
    }

    private static List<String> queryMethods(Endpoint e) {
        var methods = new ArrayList<String>();
        methods.add("POST");
        methods.addAll(e.allowedMethods());
        return methods;
    }

    private void forged(Endpoint endpoint, byte[] valid) {
        endpoint.authentication().forgeries(valid).forEach((name, credentials) ->
                requests.add(request(endpoint, "forged: " + name, endpoint.contentType(), valid, credentials)));
    }

    private void malformedJson(Endpoint e, byte[] valid) {
        for (String text : new String[] { "null", "true", "42", "\"text\"", "[]", "[{}]" }) {
            requests.add(authentic(e, "well-formed, not an object: " + text, e.contentType(), utf8(text)).ignorable());
        }
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        for (String text : new String[] { "", " ", "{", "}", "{\"a\":}",
                "{'type':'event_callback'}", "{type:1}", "{\"a\":1,}", "{\"a\":NaN}", "{\"a\":01}", "/*x*/{}", "{}xyz",
                "{} {}", "{\"a\":\"\\uD800\"", "\u0000", "{\"a\":\"tab\there\"}" }) {
            bodies.put("not a JSON object: " + abbreviate(text), utf8(text));
        }
        int end = new String(valid, StandardCharsets.UTF_8).stripTrailing().getBytes(StandardCharsets.UTF_8).length;
        for (int cut : new int[] { 1, end / 3, end / 2, end - 1 }) {
            bodies.put("truncated at " + cut, java.util.Arrays.copyOf(valid, cut));
        }
        bodies.put("invalid UTF-8 (0xFF)", splice(valid, new byte[] { (byte) 0xFF }));
        bodies.put("invalid UTF-8 (0xC3 0x28)", splice(valid, new byte[] { (byte) 0xC3, 0x28 }));
        bodies.put("invalid UTF-8 (overlong 0xC0 0xAF)", splice(valid, new byte[] { (byte) 0xC0, (byte) 0xAF }));
        bodies.put("invalid UTF-8 (surrogate 0xED 0xA0 0x80)", splice(valid, new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }));
        bodies.put("invalid UTF-8 (truncated sequence at the end)", concat(java.util.Arrays.copyOf(valid, valid.length - 1),
                new byte[] { (byte) 0xE2, (byte) 0x82 }));
        bodies.put("100k [", utf8("[".repeat(100_000)));
        bodies.put("50k nested objects", utf8("{\"a\":".repeat(50_000)));
        bodies.put("deep nesting after a valid prefix", concat(prefixBeforeLastValue(valid), utf8("[".repeat(100_000))));
        bodies.put("huge unterminated string", utf8("{\"type\":\"" + "A".repeat((int) Math.min(maxBodySize - 100, 900_000))));
        bodies.put("huge number", utf8("{\"n\":" + "9".repeat(500_000) + "}"));
        bodies.put("huge key", utf8("{\"" + "k".repeat(500_000) + "\":1"));
        bodies.put("many unclosed strings", utf8("[\"a".repeat(1000)));
        bodies.forEach((name, body) -> requests.add(authentic(e, name, e.contentType(), body)));
    }

    private void malformedForms(Endpoint e, byte[] valid) {
        Map<String, String> bodies = new LinkedHashMap<>();
        for (String text : new String[] { "", "&&&", "=", "==&=", "%", "%zz", "%2", "a=%E0%A4%A", "{\"command\":\"/x\",\"trigger_id\":\"1\"}",
                "command=%2Fbench", "trigger_id=123.456", "command=&trigger_id=", "command=%20&trigger_id=%20",
                "trigger_id=1.2.3&command=%2Fbench%", "trigger_id=1.2.3&command=%2Fbench&text=%FF",
                "trigger_id=1.2.3&command=%2Fbench&text=%C3%28", "trigger_id=1.2.3&command=%2F%C0%AF" }) {
            bodies.put("malformed form: " + abbreviate(text), text);
        }
        bodies.put("100k separators", "&".repeat(100_000));
        bodies.put("huge field without trigger_id", "command=%2Fbench&text=" + "a".repeat(900_000));
        bodies.forEach((name, body) -> requests.add(authentic(e, name, e.contentType(), utf8(body))));
        requests.add(authentic(e, "raw invalid UTF-8 bytes in a field", e.contentType(),
                concat(utf8("trigger_id=1.2.3&command=%2Fbench&text=a"), new byte[] { (byte) 0xFF, (byte) 0xFE })));
        for (int cut : new int[] { 1, valid.length / 3 }) {
            requests.add(authentic(e, "truncated at " + cut, e.contentType(), java.util.Arrays.copyOf(valid, cut)));
        }
    }

    private void malformedPayloads(Endpoint e, byte[] valid) {
        Map<String, String> payloads = new LinkedHashMap<>();
        for (String json : new String[] { "", "null", "[]", "{", "{}", "{\"type\":}", "{\"type\":\"block_actions\"}",
                "{\"type\":\"block_actions\",\"actions\":[]}" }) {
            payloads.put("payload " + abbreviate(json), json);
        }
        String validPayload = java.net.URLDecoder.decode(new String(valid, StandardCharsets.UTF_8).substring("payload=".length()),
                StandardCharsets.UTF_8);
        payloads.put("payload truncated", validPayload.substring(0, validPayload.length() / 2));
        payloads.put("payload 100k [", "[".repeat(100_000));
        Map<String, String> bodies = new LinkedHashMap<>();
        payloads.forEach((name, json) -> bodies.put(name, "payload=" + java.net.URLEncoder.encode(json, StandardCharsets.UTF_8)));
        bodies.put("no payload field", "type=block_actions");
        bodies.put("payload with invalid UTF-8 escapes", "payload=%7B%22type%22%3A%22%C3%28%22%7D");
        bodies.put("payload as raw JSON", validPayload);
        bodies.put("payload bad escape", "payload=%7B%zz");
        bodies.forEach((name, body) -> requests.add(authentic(e, name, e.contentType(), utf8(body))));
    }

    private void oversized(Endpoint e, byte[] valid) {
        byte[] big = padTo(valid, maxBodySize + 1, e.shape());
        requests.add(authentic(e, "body one byte over the limit", e.contentType(), big));
        requests.add(authentic(e, "body one byte over the limit", e.contentType(), big).chunked());
        requests.add(authentic(e, "body four times the limit", e.contentType(), padTo(valid, maxBodySize * 4, e.shape())).chunked());
        requests.add(request(e, "unsigned body over the limit", e.contentType(), big, Credentials.none()));
        requests.add(HostileRequest.raw("declares 10 GB and sends nothing", e.path(),
                "POST " + e.path() + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + e.contentType()
                        + "\r\nContent-Length: 10000000000\r\n\r\n"));
    }

    private void wrongMediaTypes(Endpoint e, byte[] valid) {
        for (String type : new String[] { null, "text/plain", "application/xml", "text/html", "multipart/form-data; boundary=x",
                "application/octet-stream", "}{", e.shape() == Shape.JSON ? "application/x-www-form-urlencoded" : "application/json" }) {
            requests.add(authentic(e, "media type " + type, type, valid));
        }
    }

    private void wrongMethods(Endpoint e, byte[] valid) {
        var credentials = e.authentication().sign(valid);
        for (String method : new String[] { "GET", "PUT", "DELETE", "PATCH" }) {
            var headers = new LinkedHashMap<>(credentials.headers());
            boolean withBody = !method.equals("GET") && !method.equals("DELETE");
            if (withBody) {
                headers.put("Content-Type", e.contentType());
            }
            requests.add(new HostileRequest("method " + method, method, withQuery(e.path(), credentials.query()), headers,
                    withBody ? valid : new byte[0], HostileRequest.Transport.FIXED));
        }
    }

    private void oddPaths(Endpoint e, byte[] valid) {
        var credentials = e.authentication().sign(valid);
        var headers = new LinkedHashMap<>(credentials.headers());
        headers.put("Content-Type", e.contentType());
        String query = credentials.query();
        for (String path : new String[] { e.path() + "/", e.path() + "/extra", e.path() + ";jsessionid=1", e.path() + "%00",
                e.path().replace("/", "//"), e.path() + "/..;/..;/actuator/env", e.path() + "/%2e%2e/%2e%2e/actuator/env" }) {
            requests.add(new HostileRequest("odd path", "POST", withQuery(path, query), headers, valid, HostileRequest.Transport.FIXED));
        }
        requests.add(new HostileRequest("malformed query escape", "POST", withQuery(e.path(), join(query, "x=%zz")), headers, valid,
                HostileRequest.Transport.FIXED));
        requests.add(new HostileRequest("request line over the header limit", "POST", withQuery(e.path(), join(query, "x=" + "q".repeat(10_000))), headers,
                valid, HostileRequest.Transport.FIXED));
    }

    private void brokenHttp(Endpoint e, byte[] valid) {
        String head = "POST " + e.path() + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + e.contentType() + "\r\n";
        requests.add(HostileRequest.raw("Content-Length longer than the body", e.path(),
                head + "Content-Length: 1000\r\n\r\n" + "{\"type\":"));
        requests.add(HostileRequest.raw("Content-Length not a number", e.path(), head + "Content-Length: ten\r\n\r\n{}"));
        requests.add(HostileRequest.raw("negative Content-Length", e.path(), head + "Content-Length: -1\r\n\r\n{}"));
        requests.add(HostileRequest.raw("malformed chunk", e.path(), head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"));
        requests.add(HostileRequest.raw("header over the 8 KB limit", e.path(),
                head + "X-Padding: " + "p".repeat(10_000) + "\r\nContent-Length: 2\r\n\r\n{}"));
        requests.add(HostileRequest.raw("no Host header", e.path(),
                "POST " + e.path() + " HTTP/1.1\r\nContent-Type: " + e.contentType() + "\r\nContent-Length: 2\r\n\r\n{}"));
        requests.add(HostileRequest.raw("control character in the path", e.path(),
                "POST " + e.path() + "\u0001 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}"));
    }

    private HostileRequest authentic(Endpoint e, String name, String contentType, byte[] body) {
        return request(e, name, contentType, body, e.authentication().sign(body));
    }

    private static HostileRequest request(Endpoint e, String name, String contentType, byte[] body, Credentials credentials) {
        return HostileRequest.post(name, withQuery(e.path(), credentials.query()), contentType, body, credentials.headers());
    }

    private static String withQuery(String path, String query) {
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }

    private static String join(String query, String more) {
        return query == null || query.isEmpty() ? more : query + "&" + more;
    }

    /** The valid body with a filler field that brings it to {@code size} bytes. */
    private static byte[] padTo(byte[] valid, long size, Shape shape) {
        String text = new String(valid, StandardCharsets.UTF_8);
        String head = shape == Shape.JSON ? text.substring(0, text.length() - 1) + ",\"pad\":\"" : text + "&pad=";
        String tail = shape == Shape.JSON ? "\"}" : "";
        int fill = (int) Math.max(0, size - utf8(head).length - tail.length());
        return utf8(head + "x".repeat(fill) + tail);
    }

    /** The body with {@code bytes} inserted into its first string value. */
    private static byte[] splice(byte[] body, byte[] bytes) {
        int quote = indexOf(body, (byte) ':') + 2;
        return concat(concat(java.util.Arrays.copyOf(body, quote), bytes), java.util.Arrays.copyOfRange(body, quote, body.length));
    }

    private static byte[] prefixBeforeLastValue(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return utf8(text.substring(0, text.lastIndexOf(':') + 1));
    }

    private static int indexOf(byte[] body, byte b) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] == b) {
                return i;
            }
        }
        return 0;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        var out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
