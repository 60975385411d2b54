package io.chatopshub.system;

import org.apache.camel.Exchange;

/**
 * Tells the person whose work failed for good. Each integration that takes work from people
 * knows how to reach them from its own queued message (a Slack thread, a {@code response_url});
 * {@link DeadLetterQueue} asks each in turn until one has told someone.
 */
public interface FailureNotice {

    /**
     * Tells the person behind {@code exchange} (its original queued message) that {@code what}
     * failed, with {@code reference} to quote to an operator. False when this message is not
     * one this notice knows how to answer.
     */
    boolean tell(Exchange exchange, String reference, String what);
}
