package io.chatopshub.system;

/**
 * Strict UTF-8 validation of inbound bytes. Every body the hub accepts (JSON, form encoding,
 * SNS messages) is UTF-8; Jackson and lenient decoders let overlong forms, surrogates and stray
 * bytes through, and those would otherwise end up in queued messages and Slack posts.
 */
public final class Utf8 {

    private Utf8() {
    }

    /** True when {@code bytes} are well-formed UTF-8 (Unicode table 3-7), without allocating. */
    public static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int lower = 0x80;
            int upper = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
            } else if (b == 0xE0) {
                length = 3;
                lower = 0xA0;
            } else if (b == 0xED) {
                length = 3;
                upper = 0x9F;
            } else if (b >= 0xE1 && b <= 0xEF) {
                length = 3;
            } else if (b == 0xF0) {
                length = 4;
                lower = 0x90;
            } else if (b >= 0xF1 && b <= 0xF3) {
                length = 4;
            } else if (b == 0xF4) {
                length = 4;
                upper = 0x8F;
            } else {
                return false;
            }
            if (i + length > n) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < lower || second > upper) {
                return false;
            }
            for (int k = 2; k < length; k++) {
                int next = bytes[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }
}
