package io.chatopshub.gitlab;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.springframework.web.util.UriUtils;

/**
 * A GitLab project as configured: a numeric id or a namespace path. Operators write paths both
 * ways ({@code ops/api} and the API's {@code ops%2Fapi}), so the path is decoded once here and
 * encoded exactly once when it goes into a URL; anything else ends up as {@code ops%252Fapi}.
 *
 * @param path numeric id, or the decoded path {@code group/sub/project}
 */
public record ProjectRef(String path) {

    public static ProjectRef of(String projectId) {
        String raw = projectId == null ? "" : projectId.strip();
        if (raw.indexOf('%') >= 0) {
            try {
                raw = UriUtils.decode(raw, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // not valid percent-encoding: keep it as typed, GitLab will say it is unknown
            }
        }
        return new ProjectRef(raw);
    }

    public boolean isNumeric() {
        return !path.isEmpty() && path.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The {@code :id} segment of {@code /api/v4/projects/:id/…}. */
    public String apiSegment() {
        return UriUtils.encode(path, StandardCharsets.UTF_8);
    }

    /** The project's pipelines page, known only when the project is configured by path. */
    public Optional<String> pipelinesPage(String gitlabUrl) {
        if (isNumeric()) {
            return Optional.empty();
        }
        return Optional.of(gitlabUrl + "/" + UriUtils.encodePath(path, StandardCharsets.UTF_8) + "/-/pipelines");
    }
}
