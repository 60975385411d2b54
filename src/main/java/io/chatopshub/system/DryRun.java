package io.chatopshub.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that logs outbound calls an integration without credentials would have made. */
public final class DryRun {

    private static final Logger LOG = LoggerFactory.getLogger("io.chatopshub.DRY-RUN");

    private DryRun() {
    }

    /** Logs {@code DRY-RUN <integration> <call> <details>} with secrets masked. */
    public static void log(String integration, String call, String details) {
        LOG.info("DRY-RUN {} {} {}", integration, call, Secrets.mask(details));
    }
}
