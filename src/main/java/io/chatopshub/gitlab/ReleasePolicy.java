package io.chatopshub.gitlab;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.slack.SlackClient;
import io.chatopshub.system.PermanentFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may release a deploy target: the users and members of the user groups listed for it, or,
 * when neither is listed, anyone of the hub's own workspace in the channel (as before permissions
 * existed; the startup line warns about such targets).
 *
 * <p>The workspace that counts is the author's own ({@code user_team}, the user's team), never the
 * envelope's {@code team_id}: in a Slack Connect channel the envelope names the hub's workspace
 * whoever writes, so reading it would let any member of a partner organisation release. An author
 * from another workspace may release only when listed by id. An author whose team is not known is
 * refused: when in doubt, nothing is released.
 *
 * <p>User group members come from Slack ({@code usergroups.users.list}) and are kept for
 * {@code chatops.gitlab.usergroup-cache}, so a burst of releases does not query Slack each time and
 * a change in Slack is seen within minutes. A small map is enough for the handful of groups a hub
 * names; a group Slack refuses to list (scope missing, group deleted) counts as empty and is asked
 * again next time.
 */
public final class ReleasePolicy {

    private static final Logger LOG = LoggerFactory.getLogger(ReleasePolicy.class);

    private final SlackClient slack;
    private final Duration cacheFor;
    private final Clock clock;
    private final Map<String, Members> usergroups = new ConcurrentHashMap<>();

    ReleasePolicy(SlackClient slack, Duration cacheFor, Clock clock) {
        this.slack = slack;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    /**
     * Who asks, as far as the hub can tell.
     *
     * @param userId        Slack user id, null when the request named none
     * @param userTeam      the user's own workspace ({@code user_team}, the user's team), null when unknown
     * @param workspaceTeam the workspace the request arrived through (the envelope's team)
     */
    public record Author(String userId, String userTeam, String workspaceTeam) {
    }

    /** Why a release was refused; the name goes to the audit trail. */
    public enum Reason {
        NO_USER, NOT_LISTED, OTHER_WORKSPACE, UNKNOWN_WORKSPACE, SELF_APPROVAL
    }

    /**
     * @param reason  null when allowed
     * @param message what the person reads when refused (mrkdwn)
     */
    public record Decision(Reason reason, String message) {

        static final Decision ALLOWED = new Decision(null, null);

        public boolean allowed() {
            return reason == null;
        }
    }

    /** May {@code author} release {@code target}? */
    public Decision check(DeployTarget target, Author author) {
        String user = author.userId();
        if (user == null || user.isBlank()) {
            return new Decision(Reason.NO_USER, "A release needs to know who asks for it; nothing was started.");
        }
        if (target.users().contains(user)) {
            return Decision.ALLOWED;
        }
        for (String group : target.usergroups()) {
            if (members(group).contains(user)) {
                return Decision.ALLOWED;
            }
        }
        if (!target.openToChannel()) {
            return new Decision(Reason.NOT_LISTED, "<@" + user + "> may not release " + target.project()
                    + ": only the people and user groups listed for it may. Nothing was started.");
        }
        String home = target.team() != null ? target.team() : author.workspaceTeam();
        if (author.userTeam() == null || home == null) {
            return new Decision(Reason.UNKNOWN_WORKSPACE, "<@" + user + "> may not release " + target.project()
                    + ": Slack did not say which workspace the request came from. Nothing was started.");
        }
        if (!author.userTeam().equals(home)) {
            return new Decision(Reason.OTHER_WORKSPACE, "<@" + user + "> may not release " + target.project()
                    + ": people from another workspace may release only when they are listed for it."
                    + " Nothing was started.");
        }
        return Decision.ALLOWED;
    }

    /**
     * Whether {@code userId} is among the people who may release {@code target} at all, in its
     * channel: listed by id or user group, or anyone when the target lists nobody. What the Home
     * tab shows; a release itself is decided by {@link #check}, which also weighs the workspace.
     */
    public boolean mayRelease(DeployTarget target, String userId) {
        if (userId == null || userId.isBlank()) {
            return false;
        }
        return target.openToChannel() || target.users().contains(userId)
                || target.usergroups().stream().anyMatch(group -> members(group).contains(userId));
    }

    /** Forgets cached user groups, so the next check asks Slack again. */
    void forgetUsergroups() {
        usergroups.clear();
    }

    private List<String> members(String usergroup) {
        Instant now = clock.instant();
        Members cached = usergroups.get(usergroup);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.users();
        }
        List<String> users;
        try {
            users = slack.usergroupMembers(usergroup);
        } catch (PermanentFailureException e) {
            // not cached: once the scope is granted or the id fixed, the next release sees it
            LOG.warn("Slack would not list user group {} ({}); it counts as empty for releases", usergroup, e.code());
            return List.of();
        }
        usergroups.put(usergroup, new Members(users, now.plus(cacheFor)));
        return users;
    }

    private record Members(List<String> users, Instant until) {
    }
}
