package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Utf8Tests {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void wellFormedTextOfEveryLengthPasses() {
        assertThat(Utf8.isWellFormed("plain ascii, é, リリース, 𝄞".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Utf8.isWellFormed(new byte[0])).isTrue();
        assertThat(Utf8.isWellFormed(bytes(0xF4, 0x8F, 0xBF, 0xBF))).as("U+10FFFF").isTrue();
    }

    @Test
    void strayOverlongSurrogateAndTruncatedSequencesAreRefused() {
        assertThat(Utf8.isWellFormed(bytes(0xFF))).isFalse();
        assertThat(Utf8.isWellFormed(bytes(0x80))).as("continuation byte alone").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xC3, 0x28))).isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xC0, 0xAF))).as("overlong slash").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xE0, 0x80, 0xAF))).as("overlong, three bytes").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xED, 0xA0, 0x80))).as("surrogate").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0xF4, 0x90, 0x80, 0x80))).as("above U+10FFFF").isFalse();
        assertThat(Utf8.isWellFormed(bytes(0x41, 0xE2, 0x82))).as("truncated at the end").isFalse();
    }

    @Test
    void formDecodingRefusesEscapesThatAreNotUtf8() {
        assertThat(QueryStrings.parseSingle("text=caf%C3%A9+ok&x=%E3%83%AA")).containsEntry("text", "café ok").containsEntry("x", "リ");
        for (String bad : new String[] { "text=%FF", "text=%C3%28", "text=%C0%AF", "text=%ED%A0%80", "text=%2", "text=%zz", "text=%-1" }) {
            assertThatThrownBy(() -> QueryStrings.parseSingle(bad)).as(bad).isInstanceOf(BadRequestException.class);
        }
    }

    @Test
    void jsonWithTrailingContentOrBadBytesIsRefused() {
        assertThatThrownBy(() -> Json.readObject("{}xyz".getBytes(StandardCharsets.UTF_8))).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> Json.readObject("{} {}")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> Json.readObject(bytes('{', '"', 'a', '"', ':', '"', 0xC0, 0xAF, '"', '}')))
                .isInstanceOf(BadRequestException.class);
        assertThat(Json.readObject("{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8)).get("a").asText()).isEqualTo("é");
    }
}
