package io.chatopshub.system;

import java.util.List;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.chatopshub.slack.Mrkdwn;

/**
 * {@code @hub dlq}, {@code @hub dlq replay <id>}, {@code @hub dlq purge <id>}: the dead-letter
 * queue from Slack, for the users in {@code chatops.slack.operators} only, so an operator on a
 * phone can replay a person's failed request once its cause is fixed. Who replayed or purged
 * what is logged and kept on the replayed message.
 */
@Component("deadLetterCommands")
public class DeadLetterCommands {

    static final int LISTED = 10;

    private final DeadLetterQueue deadLetters;
    private final OperatorProperties operators;

    DeadLetterCommands(DeadLetterQueue deadLetters, OperatorProperties operators) {
        this.deadLetters = deadLetters;
        this.operators = operators;
    }

    /** The answer to the mention; the body is the text after {@code dlq}. */
    public String answer(Exchange exchange) {
        String user = exchange.getIn().getHeader("SlackUserId", String.class);
        if (!operators.isOperator(user)) {
            return "<@" + user + "> only operators (chatops.slack.operators) can use `@hub dlq`; "
                    + "ask one, or use the console (Hawtio → JMX → io.chatopshub → DeadLetterQueue).";
        }
        String text = exchange.getIn().getBody(String.class);
        String[] words = (text == null ? "" : text.strip()).split("\\s+");
        String verb = words[0].toLowerCase(Locale.ROOT);
        if (verb.isEmpty() || verb.equals("list")) {
            return list();
        }
        if ((verb.equals("replay") || verb.equals("purge")) && words.length == 2) {
            String id = words[1];
            int done = verb.equals("replay") ? deadLetters.replay(id, user) : deadLetters.purge(id, user);
            return done == 0 ? "No dead letter " + Mrkdwn.code(id) + ". `@hub dlq` lists them."
                    : (verb.equals("replay") ? "Replayed " : "Purged ") + Mrkdwn.code(id) + " (by <@" + user + ">).";
        }
        return "Usage: `@hub dlq` lists the dead-letter queue, `@hub dlq replay <id>` sends one entry back "
                + "to its queue, `@hub dlq purge <id>` deletes it.";
    }

    private String list() {
        int depth = deadLetters.getDepth();
        if (depth == 0) {
            return "The dead-letter queue is empty.";
        }
        List<DeadLetterQueue.Entry> entries = deadLetters.entries(LISTED);
        var text = new StringBuilder(depth + " in the dead-letter queue" + (depth > LISTED ? ", the oldest " + LISTED : "") + ":");
        for (DeadLetterQueue.Entry e : entries) {
            text.append("\n• ").append(Mrkdwn.code(e.id())).append(" from ").append(Mrkdwn.code(String.valueOf(e.origin())))
                    .append(": ").append(Mrkdwn.escape(e.reason()));
            if (e.replayedBy() != null) {
                text.append(" (replayed before by ").append(Mrkdwn.escape(e.replayedBy())).append(")");
            }
        }
        return text.append("\n`@hub dlq replay <id>` or `@hub dlq purge <id>`.").toString();
    }
}
