package io.chatopshub.system;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the body of every webhook request once, as raw bytes, before anything else can parse
 * it. Signatures (Slack v0, SNS) are computed over exactly these bytes; form parsing by the
 * servlet container would otherwise consume or re-encode them. Bodies over
 * {@code chatops.http.max-body-size} are refused with 413 without reading further, and a body that
 * is not UTF-8 or a malformed query string with 400. Form bodies are shown to Camel as opaque
 * bytes, so nothing parses them before the endpoint's inbound kind has checked its media type.
 *
 * <p>With {@code chatops.http.non-blocking-reads: true} the body is read without a thread
 * (Servlet non-blocking I/O): the request goes asynchronous,
 * the container's poller hands over bytes as they arrive, and only once the whole body is in is
 * the request dispatched on to Camel. A client that trickles its body, or stalls, holds a
 * connection but no request thread, and is answered 408 and disconnected when
 * {@code chatops.http.body-timeout} has passed since its headers arrived. A body that arrived with
 * its headers costs one dispatch more than a blocking read, which is what the timeout buys. The
 * price on Tomcat: a body cut short by the client (half-closed) or a malformed chunk makes Tomcat
 * close the connection at once (its non-blocking read error), so that sender gets no 400 answer;
 * with blocking reads (the default) it does. A blocking read holds the request's thread (on Java
 * 21+ a virtual thread, which costs no pool thread: {@code chatops.http.virtual-threads}) until
 * the body is in, or {@code chatops.http.body-timeout} has passed since the headers (checked here as
 * bytes arrive) or without a byte (Tomcat's upload timeout, see {@link #timedOutBodies()}): 408 and
 * closed either way, as above.
 *
 * <p>Downstream code sees a request whose input stream replays the bytes and whose parameters
 * come from the query string only.
 */
class InboundBodyFilter extends OncePerRequestFilter {

    /** Request attribute holding the raw body as {@code byte[]}. */
    static final String RAW_BODY = RawBody.ATTRIBUTE;

    /**
     * What a webhook path may look like. The asynchronous dispatch goes to the decoded path, so a
     * path with escapes or parameters ({@code %3F}, {@code ;}) could land somewhere else than the
     * request named; no endpoint has such a path, and such a request is answered 404.
     */
    private static final java.util.regex.Pattern PLAIN_PATH = java.util.regex.Pattern.compile("[A-Za-z0-9/_.-]*");

    private final long maxBodySize;
    private final long bodyTimeoutMillis;
    private final boolean nonBlocking;

    InboundBodyFilter(long maxBodySize, java.time.Duration bodyTimeout, boolean nonBlocking) {
        this.maxBodySize = maxBodySize;
        this.bodyTimeoutMillis = Math.max(1, bodyTimeout.toMillis());
        this.nonBlocking = nonBlocking;
    }

    /**
     * Reads the stream fully, or returns null as soon as it exceeds {@code limit} bytes.
     *
     * @throws BodyTimeout when the body is still arriving at {@code deadline} ({@link System#nanoTime()})
     */
    private static byte[] readAtMost(InputStream in, long limit, long deadline) throws IOException {
        var out = new ByteArrayOutputStream(1024);
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > limit) {
                return null;
            }
            out.write(buffer, 0, n);
            if (System.nanoTime() - deadline > 0) {
                throw new BodyTimeout();
            }
        }
        return out.toByteArray();
    }

    /**
     * Request attribute set when Tomcat's upload timeout ended a blocking read of the body: no byte of
     * it came for {@code chatops.http.body-timeout}.
     */
    private static final String TIMED_OUT = InboundBodyFilter.class.getName() + ".timedOut";

    /**
     * The answer to a body whose blocking read Tomcat ended because no byte came for
     * {@code chatops.http.body-timeout} (its {@code connectionUploadTimeout}, set by
     * {@code WebConfiguration}). Tomcat has made that response its own 408 error by then, which
     * discards whatever {@link #doFilterInternal} writes, and passes it to the error page, which would
     * answer in Spring's error shape. This filter, on that error dispatch, answers it with the hub's
     * 408 instead, as a body still trickling at the deadline is answered.
     */
    Filter timedOutBodies() {
        return (request, response, chain) -> {
            if (request.getAttribute(TIMED_OUT) != null && response instanceof HttpServletResponse http
                    && !http.isCommitted()) {
                http.resetBuffer();
                timedOut(http);
                return;
            }
            chain.doFilter(request, response);
        };
    }

    /** A blocking read that went on past {@code chatops.http.body-timeout}. */
    private static final class BodyTimeout extends IOException {
        BodyTimeout() {
            super("body timeout");
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !WebhookPaths.matches(WebhookPaths.mappedPath(request));
    }

    /** The dispatch after the body was read comes through here again, to get the cached body. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(RAW_BODY) instanceof byte[] body) {
            chain.doFilter(new CachedBodyRequest(request, body), response);
            return;
        }
        if (!PLAIN_PATH.matcher(request.getRequestURI()).matches() || !isNormalized(request)) {
            ErrorResponses.write(response, 404, "not_found", "Nothing here.");
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBodySize) {
            tooLarge(response);
            return;
        }
        if (declared == 0 || declared < 0 && request.getHeader("Transfer-Encoding") == null) {
            accept(request, response, chain, new byte[0]);
            return;
        }
        if (!nonBlocking) {
            byte[] body;
            long deadline = System.nanoTime() + bodyTimeoutMillis * 1_000_000;
            try (InputStream in = request.getInputStream()) {
                body = readAtMost(in, maxBodySize, deadline);
            } catch (BodyTimeout e) {
                timedOut(response);
                return;
            } catch (IOException e) {
                if (e instanceof SocketTimeoutException || e.getCause() instanceof SocketTimeoutException) {
                    // Tomcat's upload timeout ended the read and made the response its 408 error: the
                    // error dispatch that follows is answered by timedOutBodies()
                    request.setAttribute(TIMED_OUT, Boolean.TRUE);
                    return;
                }
                ErrorResponses.write(response, 400, "unreadable_body", "The request body could not be read.");
                return;
            }
            if (body == null) {
                tooLarge(response);
                return;
            }
            accept(request, response, chain, body);
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(bodyTimeoutMillis);
        var reader = new BodyReader(async, request, response, request.getInputStream(), declared);
        async.addListener(reader);
        reader.in.setReadListener(reader);
    }

    /**
     * True when the path was sent as the container maps it: no {@code //}, {@code /./} or
     * {@code /../} for Tomcat to fold away first. Such a request would reach the webhook servlet
     * with a path Spring's request-path parsing then refuses (a 500), and names no endpoint as sent.
     */
    private static boolean isNormalized(HttpServletRequest request) {
        return (request.getContextPath() + WebhookPaths.mappedPath(request)).equals(request.getRequestURI());
    }

    private void accept(HttpServletRequest request, HttpServletResponse response, FilterChain chain, byte[] body)
            throws ServletException, IOException {
        if (refused(request, response, body)) {
            return;
        }
        request.setAttribute(RAW_BODY, body);
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    /** Answers a body or query string the hub cannot take; true when it did. */
    private static boolean refused(HttpServletRequest request, HttpServletResponse response, byte[] body) throws IOException {
        if (!Utf8.isWellFormed(body)) {
            ErrorResponses.write(response, 400, "bad_request", "The request body is not valid UTF-8.");
            return true;
        }
        try {
            QueryStrings.parse(request.getQueryString());
        } catch (BadRequestException e) {
            ErrorResponses.write(response, 400, "bad_request", "The query string is malformed.");
            return true;
        }
        return false;
    }

    private void timedOut(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        ErrorResponses.write(response, 408, "request_timeout",
                "The request body did not arrive within " + bodyTimeoutMillis + " ms.");
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        ErrorResponses.write(response, 413, "body_too_large",
                "The request body is larger than " + maxBodySize + " bytes.");
    }

    /**
     * Collects one body as the container hands it over, then dispatches the request on; or
     * answers 413, 400 or 408 and completes. Exactly one of these happens, whichever comes first.
     */
    private final class BodyReader implements ReadListener, AsyncListener {

        private final AsyncContext async;
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        final ServletInputStream in;
        private final ByteArrayOutputStream body;
        private final byte[] buffer = new byte[8192];
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        BodyReader(AsyncContext async, HttpServletRequest request, HttpServletResponse response, ServletInputStream in,
                long declared) {
            this.async = async;
            this.request = request;
            this.response = response;
            this.in = in;
            this.body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        }

        @Override
        public void onDataAvailable() throws IOException {
            int n;
            while (!done.get() && in.isReady() && (n = in.read(buffer)) != -1) {
                if (body.size() + (long) n > maxBodySize) {
                    finish(() -> tooLarge(response));
                    return;
                }
                body.write(buffer, 0, n);
            }
        }

        @Override
        public void onAllDataRead() throws IOException {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            byte[] bytes = body.toByteArray();
            if (refused(request, response, bytes)) {
                async.complete();
                return;
            }
            request.setAttribute(RAW_BODY, bytes);
            async.dispatch();
        }

        /**
         * A body that could not be read (cut short, a malformed chunk): the container goes on to its
         * error dispatch, which {@link InboundBodyFilter#doFilterInternal} answers 400. Writing the
         * answer here would be lost: the container discards it for its own.
         */
        @Override
        public void onError(Throwable failure) {
            done.set(true);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish(() -> timedOut(response));
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
            done.set(true);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // the dispatched request may go asynchronous again (Camel's answer); this reader is done by then
        }

        private void finish(Answer answer) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                if (!response.isCommitted()) {
                    answer.write();
                }
            } catch (IOException | IllegalStateException e) {
                // the client is gone: nothing left to tell it
            } finally {
                async.complete();
            }
        }
    }

    @FunctionalInterface
    private interface Answer {
        void write() throws IOException;
    }

    private static final class CachedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;
        private final Map<String, String[]> queryParameters;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
            this.queryParameters = QueryStrings.parse(request.getQueryString());
        }

        @Override
        public ServletInputStream getInputStream() {
            var in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }

        /**
         * Every body is reported as opaque bytes so that no framework decodes a form or a
         * multipart body into parameters, headers or parts on its own; the endpoint's inbound
         * kind checks the real Content-Type (still in the header) and parses the raw bytes.
         */
        @Override
        public String getContentType() {
            return super.getContentType() == null ? null : "application/octet-stream";
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getParameter(String name) {
            String[] values = queryParameters.get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return queryParameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(queryParameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return queryParameters.get(name);
        }
    }
}
