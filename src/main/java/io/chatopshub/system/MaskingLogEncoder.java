package io.chatopshub.system;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.convert.ConversionException;

/**
 * The console encoder of {@code logback-spring.xml}: plain lines by default, or with
 * {@code chatops.logging.json=true} one JSON object per line in Spring Boot's structured format
 * ({@code logging.structured.format.console}: {@code ecs}, {@code logstash}, ...).
 *
 * <p>Either way no token leaves the process: plain lines go through the masking converters of the
 * pattern; JSON lines are parsed back and every string in them (message, stack trace,
 * key-value pairs, MDC) is passed through {@link Secrets#mask}, because masking the encoded text
 * would miss secrets whose quotes JSON escaped.
 */
public class MaskingLogEncoder extends EncoderBase<ILoggingEvent> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private boolean json;
    private String format = "ecs";
    private String pattern;
    private Charset charset = StandardCharsets.UTF_8;
    private Encoder<ILoggingEvent> delegate;

    /**
     * {@code chatops.logging.json} as written, read by the conversion Spring Boot binds settings with
     * ({@code true}, {@code on}, {@code yes}, {@code 1}; logback's own conversion knows only {@code true},
     * and left JSON off for the others). A word that is no boolean leaves JSON off here, and stops the
     * start in {@link ConfigurationCheck}.
     */
    public void setJson(String json) {
        Boolean on;
        try {
            on = ApplicationConversionService.getSharedInstance().convert(json, Boolean.class);
        } catch (ConversionException notABoolean) {
            on = false;
        }
        this.json = Boolean.TRUE.equals(on);
    }

    public void setFormat(String format) {
        this.format = format;
    }

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    public void setCharset(Charset charset) {
        this.charset = charset;
    }

    public boolean isJson() {
        return json;
    }

    @Override
    public void start() {
        if (json) {
            var structured = new StructuredLogEncoder();
            structured.setContext(getContext());
            structured.setFormat(format == null || format.isBlank() ? "ecs" : format.trim());
            structured.setCharset(StandardCharsets.UTF_8);
            structured.start();
            delegate = structured;
        } else {
            var plain = new PatternLayoutEncoder();
            plain.setContext(getContext());
            plain.setPattern(pattern);
            plain.setCharset(charset);
            plain.start();
            delegate = plain;
        }
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] encoded = delegate.encode(event);
        if (!json) {
            return encoded;
        }
        try {
            JsonNode tree = JSON.readTree(encoded);
            byte[] masked = JSON.writeValueAsBytes(mask(tree));
            byte[] line = new byte[masked.length + 1];
            System.arraycopy(masked, 0, line, 0, masked.length);
            line[masked.length] = '\n';
            return new String(line, StandardCharsets.UTF_8).getBytes(charset);
        } catch (IOException | RuntimeException e) {
            String text = Secrets.mask(new String(encoded, StandardCharsets.UTF_8));
            return text.getBytes(charset);
        }
    }

    private static JsonNode mask(JsonNode node) {
        if (node instanceof TextNode text) {
            String value = text.textValue();
            String masked = Secrets.mask(value);
            return masked.equals(value) ? node : TextNode.valueOf(masked);
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext();) {
                var field = fields.next();
                field.setValue(mask(field.getValue()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, mask(array.get(i)));
            }
        }
        return node;
    }
}
