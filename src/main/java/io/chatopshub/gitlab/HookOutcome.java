package io.chatopshub.gitlab;

/** What an authenticated GitLab delivery asks the hub to do. */
public sealed interface HookOutcome {

    /**
     * Tell the Slack thread how the release ended.
     *
     * @param dedupKey the same for every copy of this delivery, so it is answered once
     */
    record Report(PipelineResult result, String dedupKey) implements HookOutcome {
    }

    /** Answer 200 and do nothing; {@code reason} is for the log. */
    record Ignore(String reason) implements HookOutcome {
    }
}
