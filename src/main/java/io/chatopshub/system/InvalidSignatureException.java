package io.chatopshub.system;

/** A request whose signature or token is missing, wrong or stale: answered 401. */
public class InvalidSignatureException extends RuntimeException {

    public InvalidSignatureException(String message) {
        super(message, null, false, false);
    }
}
