package io.chatopshub.automation;

import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.lang.Nullable;

/** {@code /actuator/audit}: the newest runbook audit entries, newest first ({@code ?limit=}, default 100). */
@Endpoint(id = "audit")
public class AuditEndpoint {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final AuditTrail trail;

    public AuditEndpoint(AuditTrail trail) {
        this.trail = trail;
    }

    @ReadOperation
    public List<Map<String, Object>> entries(@Nullable Integer limit) {
        int wanted = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(limit, MAX_LIMIT));
        return trail.read(wanted);
    }
}
