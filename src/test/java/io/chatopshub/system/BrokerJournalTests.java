package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import io.chatopshub.HubIntegrationTest;

/**
 * The embedded broker's journal is made of small files: a first start writes two of them before the
 * broker takes a message, and Artemis' 10 MB default would be five times the work.
 */
class BrokerJournalTests extends HubIntegrationTest {

    @Value("${chatops.data-dir}")
    Path dataDir;

    @Test
    void theEmbeddedBrokerStartsWithTwoJournalFilesOfTwoMegabytes() throws IOException {
        List<Long> sizes;
        try (Stream<Path> files = Files.list(dataDir.resolve("broker/journal"))) {
            sizes = files.filter(file -> file.getFileName().toString().endsWith(".amq"))
                    .map(BrokerJournalTests::size)
                    .toList();
        }

        assertThat(sizes).hasSizeGreaterThanOrEqualTo(2).containsOnly(2L * 1024 * 1024);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
