package io.chatopshub.proof;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.gitlab.GitlabProperties;
import io.chatopshub.slack.early.EarlyEdge;

/**
 * The hostile corpus of Slack's, Mackerel's and GitLab's endpoints against the early edge, which answers them while the
 * hub starts: each refused with a 4xx and the JSON error, nothing written to its spool, and a
 * valid request still taken afterwards.
 */
class EarlyEdgeHostileInputTests {

    @TempDir
    Path dataDir;

    @Test
    void everyHostileSlackRequestIsRefusedWithAJsonErrorAndNothingIsTaken() throws Exception {
        try (EarlyEdge edge = EarlyEdge.start(new EarlyEdge.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                HubIntegrationTest.SIGNING_SECRET, HostileInputTests.MACKEREL_TOKEN, new GitlabProperties("https://gitlab.com",
                        HostileInputTests.GITLAB_TOKEN, Duration.ofMinutes(2), Duration.ofSeconds(5), Duration.ofSeconds(15), List.of()), dataDir, 1024 * 1024), Clock.systemUTC())) {
            HostileCorpus corpus = new HostileCorpus(1024 * 1024);
            HostileInputTests.slackEndpoints().forEach(corpus::add);
            corpus.add(HostileInputTests.mackerelEndpoint());
            HostileInputTests.gitlabEndpoints().forEach(corpus::add);
            HttpClient http = HttpClient.newHttpClient();
            List<String> problems = new ArrayList<>();
            for (HostileRequest request : corpus.requests()) {
                HostileRequest.Answer answer;
                try {
                    answer = request.send(http, "127.0.0.1", edge.port());
                } catch (java.io.IOException e) {
                    problems.add(request + " -> no answer: " + e);
                    continue;
                }
                String problem = request.mayBeIgnored() && answer.status() >= 200 && answer.status() < 300 ? null
                        : HostileInputTests.problem(answer);
                if (problem != null) {
                    problems.add(request + " -> " + answer.status() + " " + answer.body() + ": " + problem);
                }
            }
            assertThat(problems).as("%d hostile requests, answers that break the rules", corpus.requests().size()).isEmpty();
            assertThat(edge.spool().waiting()).as("deliveries written").isEmpty();

            HostileCorpus.Endpoint commands = HostileInputTests.slackEndpoints().get(1);
            byte[] body = HostileCorpus.utf8(commands.validBody());
            var valid = HostileRequest.post("valid command", commands.path(), commands.contentType(), body,
                    commands.authentication().sign(body).headers());
            assertThat(valid.send(http, "127.0.0.1", edge.port()).status()).isEqualTo(200);
            assertThat(edge.spool().waiting()).hasSize(1);
        }
    }
}
