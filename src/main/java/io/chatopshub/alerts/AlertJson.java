package io.chatopshub.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * JSON form of {@link Alert} for the queue. Any ObjectMapper with the Java time module (Spring
 * Boot's, or Camel's with modules discovered) reads and writes the same form; this one exists
 * so code that has none at hand, and tests, agree on it: times as ISO-8601 strings.
 */
public final class AlertJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AlertJson() {
    }

    public static String write(Alert alert) {
        try {
            return MAPPER.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Alert cannot be written as JSON", e);
        }
    }

    /** @throws IllegalArgumentException when the text is not an alert */
    public static Alert read(String json) {
        try {
            return MAPPER.readValue(json, Alert.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not an alert: " + e.getOriginalMessage(), e);
        }
    }
}
