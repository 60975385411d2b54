package io.chatopshub.gitlab;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.chatopshub.gitlab.GitlabProperties.DeployTarget;

/**
 * Decides what a release mention means in a channel. A channel only ever releases what it is
 * configured for, on the configured ref: nothing in the message chooses a branch.
 *
 * <p>When a message names something that is not a target of the channel, the answer is
 * {@link Resolution.Unknown} even if the channel has a single target: releasing {@code web}
 * because someone typed {@code release wbe} would be worse than asking again.
 */
public final class DeployTargets {

    /** Slack markup: user and channel mentions, links, {@code <!here>}. */
    private static final Pattern SLACK_MARKUP = Pattern.compile("<[^<>]*>");
    private static final Pattern RELEASE_WORD = Pattern.compile(
            "(?<![A-Za-z])release(?![A-Za-z])|リリース", Pattern.CASE_INSENSITIVE);
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9]";
    /** A word right after "release", or before/after リリース in Japanese. */
    private static final Pattern NAMED = Pattern.compile(
            "(?<![A-Za-z])release[\\s:,、]+(" + NAME + ")"
                    + "|(" + NAME + ")\\s*(?:を|の)?\\s*リリース"
                    + "|リリース[\\s:：、]*(" + NAME + ")",
            Pattern.CASE_INSENSITIVE);
    /** Words that follow "release" without naming a project. */
    private static final Set<String> NOT_A_PROJECT = Set.of(
            "please", "pls", "plz", "now", "it", "this", "the", "to", "again", "thanks", "thank", "for",
            "me", "us", "hub", "a", "an");

    private final List<DeployTarget> targets;

    public DeployTargets(List<DeployTarget> targets) {
        this.targets = List.copyOf(targets);
    }

    /** What the mention asks to release, seen from {@code channelId} in {@code teamId}. */
    public sealed interface Resolution {

        /** Release this one. */
        record Target(DeployTarget target) implements Resolution {
        }

        /** Several targets and the message names none (or several) of them. */
        record Ambiguous(List<DeployTarget> candidates) implements Resolution {
        }

        /** The message names {@code name}, which this channel cannot release. */
        record Unknown(String name, List<DeployTarget> releasable) implements Resolution {
        }

        /** The channel has no deploy target at all. */
        record NoTargets() implements Resolution {
        }
    }

    /**
     * True for a mention asking for a release: the word {@code release} (any case, not part of
     * a longer word such as {@code released}) or {@code リリース}, outside Slack markup.
     */
    public static boolean isReleaseRequest(String text) {
        return RELEASE_WORD.matcher(plain(text)).find();
    }

    /** The targets of this channel, in configuration order; what the help reply lists. */
    public List<DeployTarget> releasable(String teamId, String channelId) {
        List<DeployTarget> out = new ArrayList<>();
        for (DeployTarget t : targets) {
            if (t.channel().equals(channelId) && (t.team() == null || t.team().equals(teamId))) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The targets {@code userId} may release, in configuration order (the Home tab). A target
     * names no people: whoever can mention the hub in its channel may release it.
     */
    /** Every deploy target; who may release each is {@link ReleasePolicy#mayRelease}. */
    public List<DeployTarget> all() {
        return targets;
    }

    public Resolution resolve(String teamId, String channelId, String text) {
        List<DeployTarget> here = releasable(teamId, channelId);
        if (here.isEmpty()) {
            return new Resolution.NoTargets();
        }
        String plain = plain(text);
        List<DeployTarget> named = new ArrayList<>();
        for (DeployTarget t : here) {
            if (mentions(plain, t.project())) {
                named.add(t);
            }
        }
        if (named.size() == 1) {
            return new Resolution.Target(named.get(0));
        }
        if (named.size() > 1) {
            return new Resolution.Ambiguous(List.copyOf(named));
        }
        String other = namedElsewhere(plain);
        if (other != null) {
            return new Resolution.Unknown(other, here);
        }
        if (here.size() == 1) {
            return new Resolution.Target(here.get(0));
        }
        return new Resolution.Ambiguous(here);
    }

    /**
     * A project the message names that is not one of this channel's: any configured project of
     * another channel, else the word after "release" (or next to リリース).
     */
    private String namedElsewhere(String plain) {
        for (DeployTarget t : targets) {
            if (mentions(plain, t.project())) {
                return t.project();
            }
        }
        Set<String> words = new LinkedHashSet<>();
        Matcher m = NAMED.matcher(plain);
        while (m.find()) {
            for (int g = 1; g <= 3; g++) {
                String w = m.group(g);
                if (w != null && !NOT_A_PROJECT.contains(w.toLowerCase(Locale.ROOT))
                        && !w.equalsIgnoreCase("release")) {
                    words.add(w);
                }
            }
        }
        return words.isEmpty() ? null : words.iterator().next();
    }

    /**
     * Whole-word, case-insensitive. A neighbour that is ASCII-alphanumeric, {@code _} or {@code -}
     * continues the word, so {@code web} is not found in {@code web-admin}; Japanese text is a
     * boundary, so {@code webをリリース} names {@code web}; a dot continues the word only when
     * more of it follows ({@code web.app}), not at the end of a sentence ({@code release web.}).
     */
    static boolean mentions(String plain, String project) {
        Pattern p = Pattern.compile(
                "(?<![A-Za-z0-9_-])(?<![A-Za-z0-9_-]\\.)" + Pattern.quote(project) + "(?![A-Za-z0-9_-])(?!\\.[A-Za-z0-9_-])",
                Pattern.CASE_INSENSITIVE);
        return p.matcher(plain).find();
    }

    /**
     * The text a person typed: full-width letters folded to ASCII (NFKC), Slack markup such as
     * {@code <@U123>} removed, Slack's HTML escapes undone.
     */
    static String plain(String text) {
        if (text == null) {
            return "";
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
        s = SLACK_MARKUP.matcher(s).replaceAll(" ");
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
