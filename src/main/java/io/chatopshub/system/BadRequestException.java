package io.chatopshub.system;

/** An authenticated request whose body cannot be understood: answered 400. */
public class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message, null, false, false);
    }

    public BadRequestException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
