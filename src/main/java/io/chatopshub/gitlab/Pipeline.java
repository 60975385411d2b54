package io.chatopshub.gitlab;

/**
 * A pipeline GitLab created for a release, or the stand-in a dry-run release returns.
 *
 * @param id     global pipeline id (what webhooks carry)
 * @param iid    per-project number people see as {@code #12}
 * @param webUrl the pipeline page, null for a dry-run
 * @param status GitLab's status at creation, usually {@code created}; {@value #DRY_RUN} for a dry-run
 */
public record Pipeline(long id, long iid, String webUrl, String status) {

    public static final String DRY_RUN = "dry-run";

    static Pipeline dryRun() {
        return new Pipeline(0, 0, null, DRY_RUN);
    }

    public boolean isDryRun() {
        return DRY_RUN.equals(status);
    }
}
