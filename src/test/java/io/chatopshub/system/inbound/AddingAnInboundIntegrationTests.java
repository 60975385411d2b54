package io.chatopshub.system.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatopshub.HubIntegrationTest;
import io.chatopshub.system.DeadLetterQueue;
import io.chatopshub.system.InvalidSignatureException;
import io.chatopshub.system.Json;
import io.chatopshub.system.PermanentFailureException;
import io.chatopshub.system.Secrets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The README's "Adding an inbound integration", done as it says: one {@link InboundKind} bean (its
 * example, word for word but for the token's source) and two templated routes in a YAML file of
 * their own, with no other wiring. Everything the README says comes with the template is checked
 * through that endpoint: the token check, the media type, a bad body, de-duplication, the header
 * allow-list, the durable queue to the worker, and the dead-letter queue with its replay.
 */
@DirtiesContext
class AddingAnInboundIntegrationTests extends HubIntegrationTest {

    static final String TOKEN = "statuspage-test-token";

    /** What the worker was handed: the body and every header that reached it. */
    record Handled(String body, Map<String, Object> headers) {
    }

    /** The README's worker bean: {@code statuspageEvents.handle}. Refuses events of type "broken" until mended. */
    static class StatuspageEvents {
        final BlockingQueue<Handled> handled = new LinkedBlockingQueue<>();
        volatile boolean mended;

        public void handle(Exchange exchange) {
            String body = exchange.getMessage().getBody(String.class);
            if (!mended && "broken".equals(Json.text(Json.readObject(body), "type"))) {
                throw new PermanentFailureException("REFUSED", "statuspage refused the event");
            }
            handled.add(new Handled(body, new java.util.HashMap<>(exchange.getMessage().getHeaders())));
        }
    }

    /** The README's example kind. */
    static class StatuspageInbound implements InboundKind {

        public void verify(InboundRequest request) {
            if (!Secrets.constantTimeEquals(TOKEN, request.queryParameter("token"))) {
                throw new InvalidSignatureException("wrong token");
            }
        }

        public Delivery read(InboundRequest request) {
            ObjectNode root = Json.readObject(request.text());
            return Delivery.queued("statuspage:" + Json.text(root, "id"), root.toString(),
                    Map.of("ChatopsStatuspageEvent", Json.text(root, "type")),
                    Delivery.Answer.json(202, "{\"status\":\"accepted\"}"));
        }

        public List<MediaType> mediaTypes() {
            return List.of(MediaType.APPLICATION_JSON);
        }
    }

    @TestConfiguration
    static class Statuspage {
        @Bean
        StatuspageInbound statuspageInbound() {
            return new StatuspageInbound();
        }

        @Bean
        StatuspageEvents statuspageEvents() {
            return new StatuspageEvents();
        }
    }

    @DynamicPropertySource
    static void statuspageRoutes(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern",
                () -> "file:routes/**/*.camel.yaml,file:src/test/resources/test-inbound/*.camel.yaml");
    }

    @Autowired
    StatuspageEvents events;

    @Autowired
    DeadLetterQueue deadLetters;

    @BeforeEach
    void freshWorker() {
        events.handled.clear();
        events.mended = false;
    }

    @Test
    void aDeliveryIsAnsweredAsTheKindSaysAndReachesTheWorkerWithOnlyTheFieldsTheKindChose() throws Exception {
        String event = "{\"id\":\"inc-1\",\"type\":\"incident.created\",\"name\":\"API down\"}";

        var answer = post("/hooks/statuspage?token=" + TOKEN, "application/json", event,
                Map.of("ChatopsStatuspageEvent", "forged", "ChatopsAlertTick", "1", "X-Anything", "x"));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(Json.readObject(answer.body())).isEqualTo(Json.readObject("{\"status\":\"accepted\"}"));
        Handled handled = events.handled.poll(30, TimeUnit.SECONDS);
        assertThat(handled).as("the worker's delivery").isNotNull();
        assertThat(Json.readObject(handled.body())).isEqualTo(Json.readObject(event));
        assertThat(handled.headers()).containsEntry("ChatopsStatuspageEvent", "incident.created")
                .doesNotContainKeys("ChatopsAlertTick", "X-Anything", "x-anything");
    }

    @Test
    void aSecondCopyOfTheSameDeliveryIsAnsweredButNotWorkedAgain() throws Exception {
        String event = "{\"id\":\"inc-2\",\"type\":\"incident.updated\"}";

        var first = post("/hooks/statuspage?token=" + TOKEN, "application/json", event, Map.of());
        var second = post("/hooks/statuspage?token=" + TOKEN, "application/json", event, Map.of());

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).as("a copy: %s", second.body()).isBetween(200, 202);
        assertThat(events.handled.poll(30, TimeUnit.SECONDS)).isNotNull();
        awaitQueuesSettled("chatops.statuspage");
        assertThat(events.handled).as("the copy must not be worked").isEmpty();
    }

    @Test
    void whatTheTemplateRefusesIsAnsweredWithAJsonErrorAndNothingIsQueued() throws Exception {
        String event = "{\"id\":\"inc-3\",\"type\":\"incident.created\"}";

        assertJsonError(post("/hooks/statuspage?token=wrong", "application/json", event, Map.of()), 401);
        assertJsonError(post("/hooks/statuspage", "application/json", event, Map.of()), 401);
        assertJsonError(post("/hooks/statuspage?token=" + TOKEN, "text/plain", event, Map.of()), 415);
        assertJsonError(post("/hooks/statuspage?token=" + TOKEN, "application/json", "{not json", Map.of()), 400);

        awaitQueuesSettled("chatops.statuspage");
        assertThat(events.handled).isEmpty();
    }

    @Test
    void workTheWorkerCannotDoIsDeadLetteredAndAReplayDoesIt() throws Exception {
        String event = "{\"id\":\"inc-4\",\"type\":\"broken\"}";

        assertThat(post("/hooks/statuspage?token=" + TOKEN, "application/json", event, Map.of()).statusCode()).isEqualTo(202);

        DeadLetterQueue.Entry parked = awaitParked("statuspage:inc-4");
        assertThat(parked.origin()).isEqualTo("chatops.statuspage");
        assertThat(parked.reason()).contains("statuspage refused the event");
        assertThat(events.handled).isEmpty();

        events.mended = true;
        assertThat(deadLetters.replay(parked.id())).isEqualTo(1);
        Handled handled = events.handled.poll(30, TimeUnit.SECONDS);
        assertThat(handled).as("the replayed delivery").isNotNull();
        assertThat(Json.readObject(handled.body())).isEqualTo(Json.readObject(event));
        assertThat(handled.headers()).containsEntry("ChatopsStatuspageEvent", "broken");
    }

    /** The dead letter of a delivery, once its queue's work is done (parking happens within it). */
    private DeadLetterQueue.Entry awaitParked(String deliveryId) {
        awaitQueuesSettled("chatops.statuspage");
        return deadLetters.entries(100).stream().filter(entry -> deliveryId.equals(entry.deliveryId())).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for " + deliveryId + " in " + deadLetters.entries(100)));
    }

    private static void assertJsonError(java.net.http.HttpResponse<String> answer, int status) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        ObjectNode error = Json.readObject(answer.body());
        assertThat(Json.text(error, "error")).as(answer.body()).isNotBlank();
        assertThat(Json.text(error, "message")).as(answer.body()).isNotBlank();
    }
}
