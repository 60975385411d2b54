package io.chatopshub.system;

/** A body larger than its endpoint accepts: answered 413. */
public class BodyTooLargeException extends RuntimeException {

    public BodyTooLargeException(long limit) {
        super("The request body is larger than " + limit + " bytes.", null, false, false);
    }
}
