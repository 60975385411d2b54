package io.chatopshub.automation;

/**
 * Headers the runbook routes pass between their steps and put on their queues. The Java beans
 * set them; {@code routes/automation/runbooks.camel.yaml} decides where the message goes.
 */
public final class RunbookHeaders {

    /** {@code start} or {@code approval}: what the message on {@code chatops.automation.runbooks} asks for. */
    public static final String STEP = "ChatopsRunbookStep";
    /** The request (Slack trigger id) a message belongs to. */
    public static final String REQUEST_ID = "ChatopsRunbookRequestId";
    /** Who approved a run, carried from the button press to the start. */
    public static final String APPROVED_BY = "ChatopsRunbookApprovedBy";
    /** Exchange property: the ephemeral answer to a slash command, kept while the body goes to the queue. */
    public static final String ANSWER = "ChatopsRunbookAnswer";
    /** The job a poll message is about. */
    public static final String JOB_NAME = "ChatopsJobName";
    /** Number of the poll; set only when a poll is to be scheduled. */
    public static final String POLL_SEQ = "ChatopsPollSeq";
    /** When the poll or expiry check is due, epoch milliseconds. */
    public static final String DUE_AT = "ChatopsDueAt";

    public static final String STEP_START = "start";
    public static final String STEP_APPROVAL = "approval";

    private RunbookHeaders() {
    }
}
