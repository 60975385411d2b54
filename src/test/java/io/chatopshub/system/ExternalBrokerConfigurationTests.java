package io.chatopshub.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void theDeadLetterQueueExistsBeforeAnythingIsDeadLettered() throws Exception {
        assertThat(deployed().getAddressConfigurations()).flatExtracting(address -> address.getQueueConfigs())
                .extracting(queue -> String.valueOf(((QueueConfiguration) queue).getName()))
                .contains(DeadLetterQueue.QUEUE, "chatops.slack.events", "chatops.slack.interactions");
        assertThat(deployed().isSecurityEnabled()).isTrue();
    }
}
