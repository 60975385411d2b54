package io.chatopshub.gitlab;

import io.chatopshub.system.HttpUrls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.chatopshub.system.Secrets;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the hub may release and how it reaches GitLab.
 *
 * <p>The checks live in the constructor rather than in Bean Validation annotations because an
 * operator with ten deploy targets needs to read {@code chatops.gitlab.deploy-targets[7].ref must
 * not be blank} in the startup failure, in the same kebab-case they typed, and because a
 * duplicate (channel, project) pair can only be seen across elements.
 *
 * <p>A target without a trigger token is kept: its releases are logged as DRY-RUN, so a hub can be
 * tried out in a channel before anyone hands over a token.
 *
 * @param url             GitLab base URL, {@code https://gitlab.com} or a self-managed instance
 * @param webhookToken    secret that GitLab (X-Gitlab-Token) and CI scripts ({@code token=}) present
 * @param releaseGuard    how long a second "release web" points at the running pipeline instead of
 *                        starting another
 * @param connectTimeout  connect timeout for the trigger API
 * @param readTimeout     read timeout for the trigger API
 * @param deployTargets   what each channel may release
 * @param webhookSigningToken GitLab's webhook signing token ({@code whsec_…}); when set, signed
 *                        deliveries ({@code webhook-signature}) are verified with it
 * @param webhookSignatureWindow how far {@code webhook-timestamp} may be from now, either way
 * @param approvalTimeout how long a release that needs approval waits for a second person
 * @param usergroupCache  how long the members of a Slack user group are remembered
 */
@Validated
@ConfigurationProperties("chatops.gitlab")
public record GitlabProperties(
        @DefaultValue("https://gitlab.com") String url,
        String webhookToken,
        @DefaultValue("2m") Duration releaseGuard,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("15s") Duration readTimeout,
        List<DeployTarget> deployTargets,
        String webhookSigningToken,
        @DefaultValue("5m") Duration webhookSignatureWindow,
        @DefaultValue("15m") Duration approvalTimeout,
        @DefaultValue("5m") Duration usergroupCache) {

    private static final String PREFIX = "chatops.gitlab.";
    private static final Pattern CHANNEL = Pattern.compile("[CG][A-Z0-9]{2,}");
    private static final Pattern TEAM = Pattern.compile("[TE][A-Z0-9]{2,}");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern NO_SPACE = Pattern.compile("\\S+");
    private static final Pattern USER = Pattern.compile("[UW][A-Z0-9]{2,}");
    private static final Pattern USERGROUP = Pattern.compile("S[A-Z0-9]{2,}");

    @ConstructorBinding
    public GitlabProperties {
        url = trimToNull(url);
        if (url == null) {
            throw invalid("url must not be blank");
        }
        url = stripTrailingSlashes(url);
        checkBaseUrl(url);
        webhookToken = trimToNull(webhookToken);
        if (releaseGuard == null || releaseGuard.isNegative()) {
            throw invalid("release-guard must be zero or positive, e.g. 2m");
        }
        checkPositive(connectTimeout, "connect-timeout");
        checkPositive(readTimeout, "read-timeout");
        deployTargets = checkTargets(deployTargets == null ? List.of() : deployTargets);
        webhookSigningToken = trimToNull(webhookSigningToken);
        if (webhookSigningToken != null) {
            try {
                new GitlabWebhookSignature(webhookSigningToken, Duration.ofMinutes(5), java.time.Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw invalid("webhook-signing-token must be the token GitLab shows, whsec_ followed by base64");
            }
        }
        webhookSignatureWindow = webhookSignatureWindow == null ? GitlabWebhookSignature.DEFAULT_WINDOW
                : webhookSignatureWindow;
        checkPositive(webhookSignatureWindow, "webhook-signature-window");
        approvalTimeout = approvalTimeout == null ? Duration.ofMinutes(15) : approvalTimeout;
        checkPositive(approvalTimeout, "approval-timeout");
        usergroupCache = usergroupCache == null ? Duration.ofMinutes(5) : usergroupCache;
        if (usergroupCache.isNegative()) {
            throw invalid("usergroup-cache must be zero or positive, e.g. 5m");
        }
    }

    /** The settings before signed webhooks and release permissions, with their defaults. */
    public GitlabProperties(String url, String webhookToken, Duration releaseGuard, Duration connectTimeout,
                            Duration readTimeout, List<DeployTarget> deployTargets) {
        this(url, webhookToken, releaseGuard, connectTimeout, readTimeout, deployTargets, null, null, null, null);
    }

    /**
     * One project a channel may release.
     *
     * @param channel      Slack channel id where people ask for the release
     * @param team         Slack team id, when the same hub serves several workspaces
     * @param project      the name people say in Slack ({@code @hub release web})
     * @param projectId    GitLab project id, numeric ({@code 1234}) or path ({@code ops/api} or
     *                     {@code ops%2Fapi})
     * @param ref          branch or tag always deployed
     * @param triggerToken pipeline trigger token; without it releases are dry-run
     * @param users        Slack user ids allowed to release it
     * @param usergroups   Slack user group ids whose members may release it
     * @param approval     true when someone else allowed to release it must approve each release
     */
    public record DeployTarget(String channel, String team, String project, String projectId, String ref,
                               String triggerToken, List<String> users, List<String> usergroups, boolean approval) {

        @ConstructorBinding
        public DeployTarget {
            users = cleaned(users);
            usergroups = cleaned(usergroups);
            channel = trimToNull(channel);
            team = trimToNull(team);
            project = trimToNull(project);
            projectId = trimToNull(projectId);
            ref = trimToNull(ref);
            triggerToken = trimToNull(triggerToken);
        }

        /** A target anyone in its channel may release, as before permissions existed. */
        public DeployTarget(String channel, String team, String project, String projectId, String ref,
                            String triggerToken) {
            this(channel, team, project, projectId, ref, triggerToken, List.of(), List.of(), false);
        }

        /** True when neither users nor user groups are listed: anyone in the channel may release. */
        public boolean openToChannel() {
            return users.isEmpty() && usergroups.isEmpty();
        }

        /** True when a trigger token is set and releases are made for real. */
        public boolean hasTriggerToken() {
            return triggerToken != null;
        }

        /** The GitLab project as it appears in URLs and messages. */
        public ProjectRef projectRef() {
            return ProjectRef.of(projectId);
        }

        @Override
        public String toString() {
            return "DeployTarget[channel=" + channel + ", team=" + team + ", project=" + project
                    + ", projectId=" + projectId + ", ref=" + ref
                    + ", triggerToken=" + Secrets.presence(triggerToken) + ", users=" + users
                    + ", usergroups=" + usergroups + ", approval=" + approval + "]";
        }

        private static List<String> cleaned(List<String> ids) {
            if (ids == null) {
                return List.of();
            }
            return ids.stream().map(GitlabProperties::trimToNull).filter(java.util.Objects::nonNull).distinct()
                    .toList();
        }
    }

    @Override
    public String toString() {
        return "GitlabProperties[url=" + url + ", webhookToken=" + Secrets.presence(webhookToken)
                + ", releaseGuard=" + releaseGuard + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", deployTargets=" + deployTargets
                + ", webhookSigningToken=" + Secrets.presence(webhookSigningToken)
                + ", webhookSignatureWindow=" + webhookSignatureWindow + ", approvalTimeout=" + approvalTimeout
                + ", usergroupCache=" + usergroupCache + "]";
    }

    private static List<DeployTarget> checkTargets(List<DeployTarget> targets) {
        Map<String, Integer> seen = new HashMap<>();
        List<DeployTarget> checked = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            DeployTarget t = targets.get(i);
            String at = "deploy-targets[" + i + "]";
            if (t == null) {
                throw invalid(at + " must not be empty");
            }
            require(t.channel(), at + ".channel");
            if (!CHANNEL.matcher(t.channel()).matches()) {
                throw invalid(at + ".channel must be a Slack channel id such as C0123456, not '"
                        + t.channel() + "'");
            }
            if (t.team() != null && !TEAM.matcher(t.team()).matches()) {
                throw invalid(at + ".team must be a Slack team id such as T0123456, not '" + t.team() + "'");
            }
            require(t.project(), at + ".project");
            if (!PROJECT.matcher(t.project()).matches()) {
                throw invalid(at + ".project must be one word (letters, digits, '.', '_', '-'), not '"
                        + t.project() + "'");
            }
            require(t.projectId(), at + ".project-id");
            if (!NO_SPACE.matcher(t.projectId()).matches() || ProjectRef.of(t.projectId()).path().isBlank()) {
                throw invalid(at + ".project-id must be a numeric id or a path such as group/project, not '"
                        + t.projectId() + "'");
            }
            require(t.ref(), at + ".ref");
            if (!NO_SPACE.matcher(t.ref()).matches()) {
                throw invalid(at + ".ref must not contain spaces");
            }
            for (int u = 0; u < t.users().size(); u++) {
                if (!USER.matcher(t.users().get(u)).matches()) {
                    throw invalid(at + ".users[" + u + "] must be a Slack user id such as U0123456, not '"
                            + t.users().get(u) + "'");
                }
            }
            for (int g = 0; g < t.usergroups().size(); g++) {
                if (!USERGROUP.matcher(t.usergroups().get(g)).matches()) {
                    throw invalid(at + ".usergroups[" + g + "] must be a Slack user group id such as S0123456, not '"
                            + t.usergroups().get(g) + "'");
                }
            }
            String pair = t.channel() + "\u0000" + t.project().toLowerCase(Locale.ROOT);
            Integer earlier = seen.putIfAbsent(pair, i);
            if (earlier != null) {
                throw invalid(at + " repeats channel " + t.channel() + " and project " + t.project()
                        + " of deploy-targets[" + earlier + "]; each channel names a project once");
            }
            checked.add(t);
        }
        return List.copyOf(checked);
    }

    private static void checkBaseUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw invalid("url must be an absolute http(s) URL such as https://gitlab.com, not '" + url + "'");
        }
        if (!HttpUrls.isHttp(uri) || uri.getQuery() != null || uri.getFragment() != null) {
            throw invalid("url must be an absolute http(s) URL such as https://gitlab.com, not '" + url + "'");
        }
    }

    private static void checkPositive(Duration d, String key) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw invalid(key + " must be positive");
        }
    }

    private static void require(String value, String key) {
        if (value == null) {
            throw invalid(key + " must not be blank");
        }
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException(PREFIX + message);
    }

    private static String stripTrailingSlashes(String s) {
        String out = s;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }
}
