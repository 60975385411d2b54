package io.chatopshub.backlog;

/** The parts of a Backlog issue the hub uses. */
public record BacklogIssue(long id, String issueKey, String summary, String description) {
}
