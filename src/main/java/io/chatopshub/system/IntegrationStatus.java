package io.chatopshub.system;

/**
 * One line of the startup report: what an integration will do with the configuration it was
 * given. Every integration contributes a bean of this type.
 */
public interface IntegrationStatus {

    enum Mode {
        /** Credentials set: outbound calls are made for real. */
        CONFIGURED,
        /** Usable, but outbound calls are only logged as DRY-RUN. */
        DRY_RUN,
        /** Switched off, e.g. inbound endpoint without its token. */
        DISABLED
    }

    String name();

    Mode mode();

    /** What is set and what is missing, never a secret's value. */
    String detail();
}
