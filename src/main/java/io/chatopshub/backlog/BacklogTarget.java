package io.chatopshub.backlog;

import io.chatopshub.system.PermanentFailureException;

/**
 * Where an alert pipeline files its issues: project, issue type and priority ids. A pipeline that
 * names no ids of its own files into the ones of {@code chatops.backlog}.
 *
 * @param projectId   numeric project id
 * @param issueTypeId numeric issue type id within that project
 * @param priorityId  numeric priority id
 */
public record BacklogTarget(Long projectId, Long issueTypeId, Long priorityId) {

    /**
     * The configured target with any of the given ids (blank: keep the configured one) replaced.
     *
     * @throws PermanentFailureException when a given id is not a positive number (a pipeline
     *                                   parameter no retry can fix)
     */
    public static BacklogTarget of(BacklogProperties defaults, String projectId, String issueTypeId, String priorityId) {
        return new BacklogTarget(id(projectId, defaults.projectId(), "project-id"),
                id(issueTypeId, defaults.issueTypeId(), "issue-type-id"),
                id(priorityId, defaults.priorityId(), "priority-id"));
    }

    static BacklogTarget of(BacklogProperties properties) {
        return new BacklogTarget(properties.projectId(), properties.issueTypeId(), properties.priorityId());
    }

    private static Long id(String value, Long fallback, String name) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PermanentFailureException("bad_pipeline_parameter", "Backlog " + name
                + " of an alert pipeline must be a positive number, not '" + value + "'");
    }
}
