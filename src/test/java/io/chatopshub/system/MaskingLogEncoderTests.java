package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.KeyValuePair;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

class MaskingLogEncoderTests {

    private static final String BOT_TOKEN = "xoxb-1234-5678-SECRETPART";
    private static final String WEBHOOK = "https://hooks.slack.com/services/T000/B000/HOOKSECRET";

    private final LoggerContext context = new LoggerContext();

    MaskingLogEncoderTests() {
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @Test
    void plainLinesMaskTokensInTheMessageAndTheStackTrace() {
        Map<String, String> rules = new HashMap<>();
        rules.put("maskedMsg", MaskingMessageConverter.class.getName());
        rules.put("maskedEx", MaskingThrowableConverter.class.getName());
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY, rules);
        var encoder = encoder(false, null);

        String line = new String(encoder.encode(event()), StandardCharsets.UTF_8);

        assertThat(line).contains("posting with xoxb-***", "IllegalStateException", "\"token\":\"***\"")
                .doesNotContain("SECRETPART", "HOOKSECRET", "APIKEYSECRET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecs", "logstash"})
    void jsonLinesMaskTokensInEveryField(String format) throws Exception {
        context.putObject(Environment.class.getName(), new MockEnvironment().withProperty("spring.application.name", "chatops-hub"));
        var encoder = encoder(true, format);

        String line = new String(encoder.encode(event()), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("SECRETPART", "HOOKSECRET", "APIKEYSECRET");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("message").asText()).isEqualTo("posting with xoxb-*** to hooks.slack.com/services/***");
        assertThat(json.path("webhook").asText()).isEqualTo("https://hooks.slack.com/services/***");
        assertThat(line).contains("IllegalStateException");
        if (format.equals("ecs")) {
            assertThat(json.path("log").path("level").asText()).isEqualTo("WARN");
            assertThat(json.path("error").path("message").asText()).isEqualTo("answer {\"token\":\"***\"} apiKey=***");
        } else {
            assertThat(json.path("level").asText()).isEqualTo("WARN");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "on", "yes", "1"})
    void jsonIsOnForEveryWordSpringReadsAsTrue(String value) throws Exception {
        context.putObject(Environment.class.getName(), new MockEnvironment().withProperty("spring.application.name", "chatops-hub"));
        var encoder = new MaskingLogEncoder();
        encoder.setContext(context);
        encoder.setJson(value);
        encoder.setPattern("%level %maskedMsg%n%maskedEx");
        encoder.start();

        String line = new String(encoder.encode(event()), StandardCharsets.UTF_8);

        assertThat(new ObjectMapper().readTree(line).path("message").asText())
                .isEqualTo("posting with xoxb-*** to hooks.slack.com/services/***");
    }

    private MaskingLogEncoder encoder(boolean json, String format) {
        var encoder = new MaskingLogEncoder();
        encoder.setContext(context);
        encoder.setJson(String.valueOf(json));
        if (format != null) {
            encoder.setFormat(format);
        }
        encoder.setPattern("%level %maskedMsg%n%maskedEx");
        encoder.start();
        return encoder;
    }

    private LoggingEvent event() {
        var logger = context.getLogger("io.chatopshub.test");
        var event = new LoggingEvent(MaskingLogEncoderTests.class.getName(), logger, Level.WARN,
                "posting with {} to {}", new IllegalStateException("answer {\"token\":\"abc\"} apiKey=APIKEYSECRET"),
                new Object[] {BOT_TOKEN, WEBHOOK.substring("https://".length())});
        event.addKeyValuePair(new KeyValuePair("webhook", WEBHOOK));
        return event;
    }
}
