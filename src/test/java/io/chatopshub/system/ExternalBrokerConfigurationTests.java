package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The broker configuration shipped for an external Artemis ({@code deploy/artemis/broker.xml})
 * gives the hub's queues the redelivery and dead-letter behaviour of the embedded broker.
 */
class ExternalBrokerConfigurationTests {

    private static FileConfiguration deployed() throws Exception {
        var configuration = new FileConfiguration();
        var deployer = new FileDeploymentManager(Path.of("deploy", "artemis", "broker.xml").toUri().toString());
        deployer.addDeployable(configuration);
        deployer.readConfiguration();
        return configuration;
    }

    private static ConfigurationImpl embedded() {
        var configuration = new ConfigurationImpl();
        new BrokerConfiguration().chatopsAddressSettings().customize(configuration);
        return configuration;
    }

    @ParameterizedTest
    @ValueSource(strings = {BrokerConfiguration.QUEUES, DeadLetterQueue.QUEUE})
    void addressSettingsMatchTheEmbeddedBroker(String match) throws Exception {
        AddressSettings external = deployed().getAddressSettings().get(match);
        AddressSettings internal = embedded().getAddressSettings().get(match);

        assertThat(external).as(match).isNotNull();
        assertThat(external.getMaxDeliveryAttempts()).isEqualTo(internal.getMaxDeliveryAttempts());
        assertThat(external.getRedeliveryDelay()).isEqualTo(internal.getRedeliveryDelay());
        if (match.equals(BrokerConfiguration.QUEUES)) {
            assertThat(String.valueOf(external.getDeadLetterAddress())).isEqualTo(String.valueOf(internal.getDeadLetterAddress()));
            assertThat(external.getRedeliveryMultiplier()).isEqualTo(internal.getRedeliveryMultiplier());
            assertThat(external.getMaxRedeliveryDelay()).isEqualTo(internal.getMaxRedeliveryDelay());
            assertThat(external.isAutoCreateQueues()).isTrue();
        }
    }

    @Test
    void everyQueueOfTheEmbeddedBrokerExistsTheDeadLetterQueueIncluded() throws Exception {
        Map<String, Object> application;
        try (var in = Files.newInputStream(Path.of("application.yaml"))) {
            application = new Yaml().load(in);
        }
        String embeddedQueues = String.valueOf(((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) application.get("spring"))
                .get("artemis")).get("embedded")).get("queues"));

        assertThat(deployed().getAddressConfigurations()).flatExtracting(address -> address.getQueueConfigs())
                .extracting(queue -> String.valueOf(((QueueConfiguration) queue).getName()))
                .contains(DeadLetterQueue.QUEUE)
                .containsAll(List.of(embeddedQueues.split("\\s*,\\s*")));
        assertThat(deployed().isSecurityEnabled()).isTrue();
    }
}
