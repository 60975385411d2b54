package io.chatopshub.system;

import java.util.List;

import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Slack users allowed to look at, replay and purge the dead-letter queue from Slack
 * ({@code @hub dlq}). Nobody by default: the console (JMX) always works for operators who can log in.
 */
@Validated
@ConfigurationProperties("chatops.slack")
public record OperatorProperties(
        @DefaultValue List<@Pattern(regexp = "[UW][A-Z0-9]{2,}", message = "must be a Slack user id such as U0123456") String> operators) {

    public boolean isOperator(String user) {
        return user != null && operators.contains(user);
    }
}
