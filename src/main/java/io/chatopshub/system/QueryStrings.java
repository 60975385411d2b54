package io.chatopshub.system;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoding of {@code application/x-www-form-urlencoded} text (query strings and form bodies)
 * that refuses malformed escapes with a {@link BadRequestException} instead of failing later.
 */
public final class QueryStrings {

    private QueryStrings() {
    }

    /** All values per name, in order; names without a value map to an empty string. */
    public static Map<String, String[]> parse(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        Map<String, String[]> result = new LinkedHashMap<>();
        values.forEach((k, v) -> result.put(k, v.toArray(String[]::new)));
        return Collections.unmodifiableMap(result);
    }

    /** The first value per name. */
    public static Map<String, String> parseSingle(String encoded) {
        Map<String, String> result = new LinkedHashMap<>();
        parse(encoded).forEach((k, v) -> result.put(k, v[0]));
        return result;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("malformed form encoding");
        }
    }
}
