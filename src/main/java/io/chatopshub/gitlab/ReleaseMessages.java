package io.chatopshub.gitlab;

import java.time.Duration;
import java.util.List;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.element.ButtonElement;

import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.slack.BlockKit;
import io.chatopshub.slack.Mrkdwn;

/**
 * The release approval message and what it becomes once decided, built with the Slack SDK's
 * Block Kit model so Slack's own types say what a valid block is. Each message has a plain
 * {@code text} too: Slack shows it in notifications, and it is what tests and logs read.
 */
final class ReleaseMessages {

    static final String APPROVE_ACTION = "release.approve";
    static final String REJECT_ACTION = "release.reject";
    static final String BLOCK_ID = "release.approval";

    /** Slack's own JSON settings; mrkdwn keeps its {@code <@U…>} as typed rather than as an escaped code point. */

    private ReleaseMessages() {
    }

    /** A text and its blocks as JSON, ready for {@code chat.postMessage} or {@code chat.update}. */
    record Message(String text, String blocksJson) {
    }

    /** Asks for a second person, with Approve and Reject buttons carrying the request id. */
    static Message approvalRequest(DeployTarget target, String requester, String requestId, Duration timeout) {
        String text = "Release of " + target.project() + " needs approval";
        String body = ":raised_hand: <@" + requester + "> asks to release *" + Mrkdwn.escape(target.project())
                + "* (" + Mrkdwn.code(target.ref()) + "). Someone else allowed to release "
                + Mrkdwn.escape(target.project()) + " must approve within " + humanDuration(timeout) + ".";
        List<LayoutBlock> blocks = List.of(section(body), ActionsBlock.builder().blockId(BLOCK_ID).elements(List.of(
                button("Approve", APPROVE_ACTION, requestId, "primary"),
                button("Reject", REJECT_ACTION, requestId, "danger"))).build());
        return new Message(text, BlockKit.json(blocks));
    }

    static Message approved(DeployTarget target, String requester, String approver) {
        return decided("Release of " + target.project() + " approved", ":white_check_mark: Release of *"
                + Mrkdwn.escape(target.project()) + "* asked by <@" + requester + "> was approved by <@" + approver
                + ">. Starting it now.");
    }

    static Message rejected(DeployTarget target, String requester, String rejecter) {
        return decided("Release of " + target.project() + " rejected", ":no_entry_sign: Release of *"
                + Mrkdwn.escape(target.project()) + "* asked by <@" + requester + "> was rejected by <@" + rejecter
                + ">. Nothing was started.");
    }

    static Message expired(DeployTarget target, String requester, Duration timeout) {
        return decided("Release of " + target.project() + " expired", ":hourglass: Release of *"
                + Mrkdwn.escape(target.project()) + "* asked by <@" + requester + "> expired: nobody approved it"
                + " within " + humanDuration(timeout) + ". Nothing was started.");
    }

    /** {@code 15 min}, {@code 1 h}, {@code 8 s}. */
    static String humanDuration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min";
        }
        return (s / 3600) + " h" + (s % 3600 / 60 == 0 ? "" : " " + (s % 3600 / 60) + " min");
    }

    private static Message decided(String text, String mrkdwn) {
        return new Message(text, BlockKit.json(List.<LayoutBlock>of(section(mrkdwn))));
    }

    private static SectionBlock section(String mrkdwn) {
        return SectionBlock.builder().text(MarkdownTextObject.builder().text(mrkdwn).build()).build();
    }

    private static ButtonElement button(String label, String actionId, String value, String style) {
        return ButtonElement.builder().text(PlainTextObject.builder().text(label).build()).actionId(actionId)
                .value(value).style(style).build();
    }
}
