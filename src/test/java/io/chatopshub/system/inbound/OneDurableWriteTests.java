package io.chatopshub.system.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;

import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

import io.chatopshub.HubIntegrationTest;
import io.chatopshub.dedup.StateStore;

/**
 * An accepted delivery is one durable write on the request's path: the journal record of the
 * message, which carries the delivery id as the broker's duplicate-detection id. The claim in the
 * state store is written behind the answer; a copy that arrives when that write has not happened
 * (here: the written claim removed, as after a crash in that gap) is still dropped, by the broker.
 * Consumers never see the duplicate-detection id.
 */
class OneDurableWriteTests extends HubIntegrationTest {

    private static final String QUEUE = "chatops.slack.events";

    @Autowired
    CamelContext camel;
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    StateStore store;

    @Test
    void aCopyWhoseClaimWasNeverWrittenIsDroppedByTheBrokerAndConsumersDoNotSeeItsId() throws Exception {
        String body = eventCallback("EvONEWRITE1", mention("U0ALICE", "C0123456", "1700000300.000100", "hello"));
        camel.getRouteController().stopRoute("slack-handle-events");
        try {
            assertThat(post("/slack/events", "application/json", body, slackHeaders(body)).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> store.get("dedup:slack:event:EvONEWRITE1").isPresent());

            assertThat(store.remove("dedup:slack:event:EvONEWRITE1")).isTrue();
            assertThat(post("/slack/events", "application/json", body, slackHeaders(body)).statusCode())
                    .as("the copy is answered like the first").isEqualTo(200);

            List<Message> queued = browse();
            assertThat(queued).as("messages on " + QUEUE).hasSize(1);
            assertThat(queued.get(0).getStringProperty("_AMQ_DUPL_ID")).isEqualTo("slack:event:EvONEWRITE1");

            ConsumerTemplate consumer = camel.createConsumerTemplate();
            Exchange received = consumer.receive("jms:queue:" + QUEUE, 10_000);
            assertThat(received).isNotNull();
            assertThat(received.getMessage().getHeader("ChatopsDeliveryId")).isEqualTo("slack:event:EvONEWRITE1");
            assertThat(received.getMessage().getHeaders()).doesNotContainKey("_AMQ_DUPL_ID");
            consumer.stop();
        } finally {
            camel.getRouteController().startRoute("slack-handle-events");
        }
    }

    private List<Message> browse() {
        return new JmsTemplate(connectionFactory).browse(QUEUE, (session, browser) -> {
            List<Message> all = new ArrayList<>();
            Collections.list(browser.getEnumeration()).forEach(m -> all.add((Message) m));
            return all;
        });
    }
}
