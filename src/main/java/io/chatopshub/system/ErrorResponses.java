package io.chatopshub.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The hub's JSON error body, {@code {"error": code, "message": text}}, the same everywhere. */
public final class ErrorResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorResponses() {
    }

    /**
     * The error of a bare status, {@code 404} as {@code {"error":"not_found","message":"Not Found."}},
     * in the order the hub writes its errors.
     */
    static Map<String, String> forStatus(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        String reason = known == null ? null : known.getReasonPhrase();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", reason == null ? "error" : reason.toLowerCase(Locale.ROOT).replace(' ', '_'));
        body.put("message", reason == null ? "The request failed." : reason + ".");
        return body;
    }

    public static String body(String error, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", Secrets.mask(message));
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            return "{\"error\":\"" + error + "\"}";
        }
    }

    static void write(HttpServletResponse response, int status, String error, String message) throws IOException {
        byte[] bytes = body(error, message).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
