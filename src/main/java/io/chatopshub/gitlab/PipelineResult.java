package io.chatopshub.gitlab;

import java.util.Locale;
import java.util.Optional;

/**
 * How a release ended, and the Slack thread that asked for it. Comes from GitLab's pipeline
 * webhook or from a CI job's call to {@code /hooks/deploy-result}; the latter knows less, so
 * everything but the outcome, channel and thread may be null.
 *
 * @param pipelineId      global pipeline id
 * @param iid             per-project pipeline number
 * @param status          final outcome
 * @param durationSeconds how long the pipeline ran
 * @param webUrl          pipeline page
 * @param projectName     GitLab's project name
 * @param ref             branch or tag the pipeline ran on
 * @param channel         Slack channel id the release was asked in
 * @param threadTs        ts of the message that asked, i.e. the thread to answer in
 * @param requestId       the hub's request id ({@code CHATOPS_REQUEST_ID}) when the hub triggered it
 */
public record PipelineResult(Long pipelineId, Long iid, Status status, Long durationSeconds, String webUrl,
                             String projectName, String ref, String channel, String threadTs, String requestId) {

    /**
     * The final statuses worth telling the thread about. {@code skipped} is one of them: a
     * release pipeline that skipped every job deployed nothing, and the person who asked would
     * otherwise wait for an answer that never comes.
     */
    public enum Status {
        SUCCESS, FAILED, CANCELED, SKIPPED;

        /** GitLab's word for it; empty for statuses that are not final. */
        static Optional<Status> ofGitlab(String status) {
            if (status == null) {
                return Optional.empty();
            }
            return switch (status.toLowerCase(Locale.ROOT)) {
                case "success" -> Optional.of(SUCCESS);
                case "failed" -> Optional.of(FAILED);
                case "canceled", "cancelled" -> Optional.of(CANCELED);
                case "skipped" -> Optional.of(SKIPPED);
                default -> Optional.empty();
            };
        }

        public String gitlabName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean succeeded() {
        return status == Status.SUCCESS;
    }
}
