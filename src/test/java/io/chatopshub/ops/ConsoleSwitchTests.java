package io.chatopshub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/** A hub started with {@code chatops.console.enabled=false}: no Hawtio, no Jolokia, the rest as usual. */
@TestPropertySource(properties = "chatops.console.enabled=false")
class ConsoleSwitchTests extends OperatorTest {

    @Autowired
    ApplicationContext context;

    @Test
    void withTheConsoleSwitchedOffNeitherHawtioNorJolokiaIsInTheProcess() throws Exception {
        assertThat(context.getBeanNamesForType(io.hawt.springboot.HawtioEndpoint.class)).isEmpty();
        assertThat(context.getBeanNamesForType(org.jolokia.support.spring.actuator.JolokiaWebEndpoint.class)).isEmpty();
        assertThat(context.getBeanNamesForType(org.jolokia.server.core.http.AgentServlet.class)).isEmpty();
        assertThat(get("/actuator/hawtio/", true).statusCode()).isEqualTo(404);
        assertThat(get("/actuator/jolokia/version", true).statusCode()).isEqualTo(404);
        assertThat(get("/actuator/prometheus", true).statusCode()).isEqualTo(200);
    }
}
