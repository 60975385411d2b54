package io.chatopshub.system;

/** A POST whose Content-Type its sender never uses: answered 415 before anything reads the body. */
public class UnsupportedMediaTypeException extends RuntimeException {

    public UnsupportedMediaTypeException(String message) {
        super(message, null, false, false);
    }
}
