package io.chatopshub.system;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

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
 * <p>Downstream code sees a request whose input stream replays the bytes and whose parameters
 * come from the query string only.
 */
class InboundBodyFilter extends OncePerRequestFilter {

    /** Request attribute holding the raw body as {@code byte[]}. */
    static final String RAW_BODY = RawBody.ATTRIBUTE;

    private final long maxBodySize;

    InboundBodyFilter(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !WebhookPaths.matches(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodySize) {
            tooLarge(response);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = readAtMost(in, maxBodySize);
        } catch (IOException e) {
            ErrorResponses.write(response, 400, "unreadable_body", "The request body could not be read.");
            return;
        }
        if (body == null) {
            tooLarge(response);
            return;
        }
        if (!Utf8.isWellFormed(body)) {
            ErrorResponses.write(response, 400, "bad_request", "The request body is not valid UTF-8.");
            return;
        }
        CachedBodyRequest cached;
        try {
            cached = new CachedBodyRequest(request, body);
        } catch (BadRequestException e) {
            ErrorResponses.write(response, 400, "bad_request", "The query string is malformed.");
            return;
        }
        request.setAttribute(RAW_BODY, body);
        chain.doFilter(cached, response);
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        ErrorResponses.write(response, 413, "body_too_large",
                "The request body is larger than " + maxBodySize + " bytes.");
    }

    /** Reads the stream fully, or returns null as soon as it exceeds {@code limit} bytes. */
    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
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
        }
        return out.toByteArray();
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
