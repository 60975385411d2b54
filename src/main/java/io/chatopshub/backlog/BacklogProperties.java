package io.chatopshub.backlog;

import io.chatopshub.system.HttpUrls;
import io.chatopshub.system.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where alert tickets go. Without {@code url} and {@code api-key} the hub still runs and logs the
 * Backlog calls it would make; with both, the three ids are required, because an issue cannot
 * be created without them and finding out at the first alert would be too late.
 *
 * @param url         {@code https://SPACE.backlog.com} (or {@code .jp}); plain http for tests
 * @param apiKey      personal API key, sent as the {@code apiKey} query parameter
 * @param projectId   numeric project id
 * @param issueTypeId numeric issue type id within that project
 * @param priorityId  numeric priority id (default workflow: 2 high, 3 normal, 4 low)
 */
@ConfigurationProperties("chatops.backlog")
public record BacklogProperties(String url, String apiKey, Long projectId, Long issueTypeId, Long priorityId) {

    public BacklogProperties {
        url = blankToNull(url);
        apiKey = blankToNull(apiKey);
        if (url != null) {
            url = url.replaceAll("/+$", "");
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("chatops.backlog.url is not a URL: " + e.getMessage());
            }
            if (!HttpUrls.isHttp(uri) || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(
                        "chatops.backlog.url must be a plain http(s) base URL such as https://SPACE.backlog.com");
            }
        }
        if (url != null && apiKey != null) {
            require(projectId, "project-id");
            require(issueTypeId, "issue-type-id");
            require(priorityId, "priority-id");
        }
    }

    /** True when real calls are made; false means dry-run. */
    public boolean configured() {
        return url != null && apiKey != null;
    }

    @Override
    public String toString() {
        return "BacklogProperties[url=" + url + ", apiKey=" + Secrets.presence(apiKey) + ", projectId=" + projectId
                + ", issueTypeId=" + issueTypeId + ", priorityId=" + priorityId + "]";
    }

    private static void require(Long id, String name) {
        if (id == null || id <= 0) {
            throw new IllegalArgumentException("chatops.backlog." + name
                    + " must be set to a positive number when chatops.backlog.url and chatops.backlog.api-key are set");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
