package io.chatopshub.system;

/**
 * A configuration mistake found before the hub starts. Its message is the one line an operator
 * reads: the key (or file and line) and what is expected there.
 */
public class InvalidConfigurationException extends RuntimeException {

    public InvalidConfigurationException(String message) {
        super(message);
    }
}
