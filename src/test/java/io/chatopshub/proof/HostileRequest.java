package io.chatopshub.proof;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * One request of the hostile corpus: a method, a path (with query), headers and raw body bytes.
 * Most are sent with the JDK client; those the client would not send (a Content-Length that lies,
 * raw header bytes) go over a plain socket.
 */
record HostileRequest(String name, String method, String path, Map<String, String> headers, byte[] body,
        Transport transport, boolean mayBeIgnored) {

    enum Transport {
        /** Content-Length set from the body. */
        FIXED,
        /** Chunked: no Content-Length, the server learns the size only by reading. */
        CHUNKED,
        /** Written byte for byte over a socket; {@link #body} is the whole request, head included. */
        RAW
    }

    HostileRequest {
        headers = Map.copyOf(headers);
    }

    HostileRequest(String name, String method, String path, Map<String, String> headers, byte[] body, Transport transport) {
        this(name, method, path, headers, body, transport, false);
    }

    /**
     * Well-formed JSON that is no webhook payload (an array, a number): the contract lets an
     * endpoint refuse it as malformed or answer it as an authenticated body of an unknown kind,
     * which it then ignores (the corpus checks that nothing goes out).
     */
    HostileRequest ignorable() {
        return new HostileRequest(name, method, path, headers, body, transport, true);
    }

    static HostileRequest post(String name, String path, String contentType, byte[] body, Map<String, String> headers) {
        var all = new LinkedHashMap<>(headers);
        if (contentType != null) {
            all.put("Content-Type", contentType);
        }
        return new HostileRequest(name, "POST", path, all, body, Transport.FIXED);
    }

    HostileRequest chunked() {
        return new HostileRequest(name + " (chunked)", method, path, headers, body, Transport.CHUNKED, mayBeIgnored);
    }

    static HostileRequest raw(String name, String path, String wholeRequest) {
        return new HostileRequest(name, "RAW", path, Map.of(), wholeRequest.getBytes(StandardCharsets.ISO_8859_1),
                Transport.RAW);
    }

    /** What came back: status, content type and body text. */
    record Answer(int status, String contentType, String body) {
    }

    Answer send(HttpClient http, String host, int port) throws IOException, InterruptedException {
        if (transport == Transport.RAW) {
            return sendRaw(body, host, port);
        }
        URI uri;
        try {
            uri = URI.create("http://" + host + ":" + port + path);
        } catch (IllegalArgumentException notAUri) {
            return sendRaw(asRawBytes(), host, port);
        }
        var builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        headers.forEach(builder::header);
        HttpRequest.BodyPublisher publisher = body.length == 0 && !"POST".equals(method) && !"PUT".equals(method)
                && !"PATCH".equals(method) ? HttpRequest.BodyPublishers.noBody()
                        : transport == Transport.CHUNKED ? unsized(body) : HttpRequest.BodyPublishers.ofByteArray(body);
        builder.method(method, publisher);
        var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    /** The request as bytes on the wire, for paths the JDK client refuses to send. */
    private byte[] asRawBytes() {
        var head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        var out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static Answer sendRaw(byte[] wire, String host, int port) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(wire);
            out.flush();
            // a request that promises more bytes than it sends ends with a half-close
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            var buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return parse(buffer.toString(StandardCharsets.UTF_8));
        }
    }

    private static Answer parse(String response) {
        if (response.isEmpty()) {
            return new Answer(0, "", "");
        }
        int headEnd = response.indexOf("\r\n\r\n");
        String head = headEnd < 0 ? response : response.substring(0, headEnd);
        String rest = headEnd < 0 ? "" : response.substring(headEnd + 4);
        List<String> lines = head.lines().toList();
        int status = Integer.parseInt(lines.get(0).split(" ")[1]);
        String contentType = "";
        boolean chunked = false;
        for (String line : lines.subList(1, lines.size())) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring(13).trim();
            }
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        return new Answer(status, contentType, chunked ? dechunk(rest) : rest);
    }

    private static String dechunk(String chunked) {
        var out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim().split(";")[0], 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    private static HttpRequest.BodyPublisher unsized(byte[] body) {
        var sized = HttpRequest.BodyPublishers.ofByteArray(body);
        return HttpRequest.BodyPublishers.fromPublisher((Flow.Subscriber<? super ByteBuffer> s) -> sized.subscribe(s));
    }

    @Override
    public String toString() {
        return method + " " + (path.length() > 80 ? path.substring(0, 80) + "…" : path) + " [" + name + "]";
    }
}
