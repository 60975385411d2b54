package io.chatopshub.gitlab;

import java.time.Duration;
import java.time.Instant;

import io.chatopshub.gitlab.GitlabProperties.DeployTarget;
import io.chatopshub.gitlab.ReleaseGuard.RunningRelease;
import io.chatopshub.gitlab.ReleaseRequests.Phase;
import io.chatopshub.testing.MemoryStateStore;
import io.chatopshub.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReleaseStateTests {

    static final DeployTarget WEB = new DeployTarget("C0RELEASE", null, "web", "1234", "main", "glptt-x");
    static final Pipeline P = new Pipeline(987654, 42, "https://gitlab.example.com/acme/web/-/pipelines/987654", "created");

    final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T10:00:00Z"));
    final MemoryStateStore store = new MemoryStateStore(clock);
    final ReleaseGuard guard = new ReleaseGuard(store, Duration.ofMinutes(2), clock);
    final ReleaseRequests requests = new ReleaseRequests(store, Duration.ofDays(1), clock);

    @Test
    void secondClaimWithinTheGuardLosesAndSeesTheRunningPipeline() {
        assertThat(guard.claim(WEB, "Ev1")).isTrue();
        clock.advance(Duration.ofSeconds(3));
        guard.recordPipeline(WEB, P);
        clock.advance(Duration.ofSeconds(37));

        assertThat(guard.claim(WEB, "Ev2")).isFalse();
        assertThat(guard.running(WEB)).contains(new RunningRelease(987654L, 42L, P.webUrl(),
                Instant.parse("2025-01-01T10:00:00Z"), "Ev1"));
    }

    @Test
    void guardKeysOnChannelAndProjectIgnoringCase() {
        assertThat(ReleaseGuard.key(new DeployTarget("C0RELEASE", null, "Web", "1", "main", null)))
                .isEqualTo("gitlab:release:C0RELEASE:web");
    }

    @Test
    void recordingThePipelineDoesNotExtendTheGuard() {
        guard.claim(WEB, "Ev1");
        clock.advance(Duration.ofSeconds(30));
        guard.recordPipeline(WEB, P);

        assertThat(store.expiry(ReleaseGuard.key(WEB))).contains(Instant.parse("2025-01-01T10:02:00Z"));
        clock.advance(Duration.ofSeconds(90));
        assertThat(guard.running(WEB)).isEmpty();
        assertThat(guard.claim(WEB, "Ev2")).isTrue();
    }

    @Test
    void claimedButNotYetStartedHasNoPipeline() {
        guard.claim(WEB);

        assertThat(guard.running(WEB)).hasValueSatisfying(r -> assertThat(r.pipelineKnown()).isFalse());
    }

    @Test
    void releasingTheGuardLetsTheNextClaimWin() {
        guard.claim(WEB, "Ev1");
        guard.release(WEB);

        assertThat(guard.claim(WEB, "Ev2")).isTrue();
    }

    @Test
    void zeroGuardNeverBlocks() {
        ReleaseGuard none = new ReleaseGuard(store, Duration.ZERO, clock);

        assertThat(none.claim(WEB)).isTrue();
        assertThat(none.claim(WEB)).isTrue();
        assertThat(none.running(WEB)).isEmpty();
    }

    @Test
    void requestGoesFromTriggeringToTriggered() {
        assertThat(requests.state("Ev1")).isEmpty();
        assertThat(requests.begin("Ev1")).isTrue();
        assertThat(requests.state("Ev1")).hasValueSatisfying(s -> assertThat(s.phase()).isEqualTo(Phase.TRIGGERING));

        clock.advance(Duration.ofSeconds(1));
        requests.complete("Ev1", P);

        assertThat(requests.state("Ev1")).hasValueSatisfying(s -> {
            assertThat(s.phase()).isEqualTo(Phase.TRIGGERED);
            assertThat(s.pipeline()).isEqualTo(P);
            assertThat(s.since()).isEqualTo(Instant.parse("2025-01-01T10:00:01Z"));
        });
    }

    @Test
    void redeliveredRequestCannotBeginAgain() {
        assertThat(requests.begin("Ev1")).isTrue();
        assertThat(requests.begin("Ev1")).isFalse();
        requests.complete("Ev1", P);
        assertThat(requests.begin("Ev1")).isFalse();
    }

    @Test
    void abandonedRequestMayBeginAgain() {
        requests.begin("Ev1");
        requests.abandon("Ev1");

        assertThat(requests.begin("Ev1")).isTrue();
    }

    @Test
    void answeredRequestKeepsItsReply() {
        requests.begin("Ev1");
        requests.answered("Ev1", "bad_ref", "Could not release web");

        assertThat(requests.state("Ev1")).hasValueSatisfying(s -> {
            assertThat(s.phase()).isEqualTo(Phase.ANSWERED);
            assertThat(s.outcome()).isEqualTo("bad_ref");
            assertThat(s.reply()).isEqualTo("Could not release web");
        });
    }

    @Test
    void unreadableStateCountsAsTriggering() {
        store.put(ReleaseRequests.key("Ev1"), "garbage", Duration.ofMinutes(1));

        assertThat(requests.state("Ev1")).hasValueSatisfying(s -> assertThat(s.phase()).isEqualTo(Phase.TRIGGERING));
    }

    @Test
    void dryRunPipelineSurvivesTheStore() {
        requests.begin("Ev1");
        requests.complete("Ev1", Pipeline.dryRun());

        assertThat(requests.state("Ev1")).hasValueSatisfying(s -> assertThat(s.pipeline().isDryRun()).isTrue());
    }
}
