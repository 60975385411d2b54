package io.chatopshub.system;

import java.io.IOException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Parsing of untrusted JSON bodies. Jackson's stream constraints bound nesting depth and string
 * sizes; malformed, truncated or non-UTF-8 input, anything after the value and anything that is
 * not a JSON object becomes a {@link BadRequestException}, never a server error.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw new BadRequestException("empty body, a JSON object was expected");
        }
        if (!Utf8.isWellFormed(body)) {
            throw new BadRequestException("the body is not valid UTF-8");
        }
        return object(() -> MAPPER.readTree(body));
    }

    public static ObjectNode readObject(String body) {
        if (body == null || body.isEmpty()) {
            throw new BadRequestException("empty body, a JSON object was expected");
        }
        return object(() -> MAPPER.readTree(body));
    }

    /** The parsers differ by input type (Jackson detects the encoding of bytes), the verdict does not. */
    private static ObjectNode object(Parse parse) {
        try {
            JsonNode node = parse.tree();
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new BadRequestException("the body is not a JSON object");
        } catch (IOException e) {
            throw new BadRequestException("the body is not valid JSON");
        }
    }

    @FunctionalInterface
    private interface Parse {
        JsonNode tree() throws IOException;
    }

    /** True when {@code value} is a JSON string with something other than whitespace in it. */
    public static boolean isText(JsonNode value) {
        return value != null && value.isTextual() && !value.asText().isBlank();
    }

    /** The text of a field, or null when absent or not a string/number/boolean. */
    public static String text(JsonNode node, String... path) {
        JsonNode current = node;
        for (String field : path) {
            if (current == null) {
                return null;
            }
            current = current.get(field);
        }
        return current != null && current.isValueNode() && !current.isNull() ? current.asText() : null;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write JSON", e);
        }
    }
}
