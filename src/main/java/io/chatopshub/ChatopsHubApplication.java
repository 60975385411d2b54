package io.chatopshub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import io.chatopshub.slack.early.EarlyStart;
import io.chatopshub.system.SpringAotShape;

/**
 * The hub. Spring Cloud AWS is here only for {@code spring.config.import=aws-secretsmanager:…},
 * which builds its own client; its auto-configured clients would look up an AWS region at startup
 * (from the EC2 metadata service, if need be) even when no secret is imported, so they are left out.
 *
 * <p>Also left out, because every one of them is evaluated, and most load classes, before the
 * first request can be answered: Camel's secret vaults and ServiceCall ("cloud") support, which the
 * hub does not configure; the Spring beans of Camel components and languages no route uses (Camel
 * still creates any component a route names, on first use); Gson's and JTA's auto-configurations
 * (Gson is on the class path only for the Slack SDK, which keeps its own instance).
 */
@SpringBootApplication(excludeName = {
        "io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration",
        "io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration",
        "io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration",
        "io.awspring.cloud.autoconfigure.config.secretsmanager.SecretsManagerAutoConfiguration",
        "io.awspring.cloud.autoconfigure.config.secretsmanager.SecretsManagerReloadAutoConfiguration",
        "org.apache.camel.spring.boot.vault.AwsVaultAutoConfiguration",
        "org.apache.camel.spring.boot.vault.AzureVaultAutoConfiguration",
        "org.apache.camel.spring.boot.vault.CyberArkVaultAutoConfiguration",
        "org.apache.camel.spring.boot.vault.GcpVaultAutoConfiguration",
        "org.apache.camel.spring.boot.vault.HashicorpVaultAutoConfiguration",
        "org.apache.camel.spring.boot.vault.IBMVaultAutoConfiguration",
        "org.apache.camel.spring.boot.vault.KubernetesConfigMapVaultAutoConfiguration",
        "org.apache.camel.spring.boot.vault.KubernetesVaultAutoConfiguration",
        "org.apache.camel.spring.boot.cloud.CamelCloudAutoConfiguration",
        "org.apache.camel.spring.boot.cloud.CamelCloudServiceCallConfigurationAutoConfiguration",
        "org.apache.camel.spring.boot.cloud.CamelCloudServiceChooserAutoConfiguration",
        "org.apache.camel.spring.boot.cloud.CamelCloudServiceDiscoveryAutoConfiguration",
        "org.apache.camel.spring.boot.cloud.CamelCloudServiceFilterAutoConfiguration",
        "org.apache.camel.component.browse.springboot.BrowseComponentAutoConfiguration",
        "org.apache.camel.component.controlbus.springboot.ControlBusComponentAutoConfiguration",
        "org.apache.camel.component.dataset.springboot.DataSetComponentAutoConfiguration",
        "org.apache.camel.component.dataset.springboot.DataSetComponentConverter",
        "org.apache.camel.component.dataset.springboot.DataSetTestComponentAutoConfiguration",
        "org.apache.camel.component.dataset.springboot.DataSetTestComponentConverter",
        "org.apache.camel.component.mock.springboot.MockComponentAutoConfiguration",
        "org.apache.camel.component.mock.springboot.MockComponentConverter",
        "org.apache.camel.component.saga.springboot.SagaComponentAutoConfiguration",
        "org.apache.camel.component.stub.springboot.StubComponentAutoConfiguration",
        "org.apache.camel.component.stub.springboot.StubComponentConverter",
        "org.apache.camel.component.validator.springboot.ValidatorComponentAutoConfiguration",
        "org.apache.camel.component.validator.springboot.ValidatorComponentConverter",
        "org.apache.camel.component.xslt.springboot.XsltComponentAutoConfiguration",
        "org.apache.camel.component.xslt.springboot.XsltComponentConverter",
        "org.apache.camel.language.xpath.springboot.XPathLanguageAutoConfiguration",
        "org.springframework.boot.autoconfigure.gson.GsonAutoConfiguration",
        "org.springframework.boot.autoconfigure.transaction.jta.JtaAutoConfiguration" })
@ConfigurationPropertiesScan
public class ChatopsHubApplication {

    /**
     * Netty's pooled allocator (the embedded broker's, and the early edge's) takes memory in chunks of
     * 4 MB, one per arena and thread group: the broker's journal and in-VM buffers filled four heap
     * arenas, 16 MB of live heap for a few KB in use. Chunks of 1 MB hold the same buffers (BENCHMARKS.md).
     */
    static final String NETTY_CHUNK_ORDER = "io.netty.allocator.maxOrder";

    public static void main(String[] args) {
        if (System.getProperty(NETTY_CHUNK_ORDER) == null) {
            System.setProperty(NETTY_CHUNK_ORDER, "7");
        }
        // signed Slack requests are taken on the hub's port while the rest of it starts (EarlyEdge)
        run(EarlyStart.begin(args), args, true);
    }

    /** Starts the hub behind an early start, which it takes the port from (main, and tests that start it the same way). */
    public static ConfigurableApplicationContext run(EarlyStart early, String[] args) {
        return run(early, args, false);
    }

    /**
     * With {@code springAot}, the context prepared when the hub was built is used if the settings
     * have its shape ({@link SpringAotShape}): for {@code main} only, where the packaged hub runs with
     * that code, not for tests, whose class path may hold the code of an earlier build.
     */
    private static ConfigurableApplicationContext run(EarlyStart early, String[] args, boolean springAot) {
        var application = new SpringApplication(ChatopsHubApplication.class);
        application.addInitializers(early::register);
        if (springAot) {
            application.addListeners(new SpringAotShape.Switch());
        }
        if (Boolean.getBoolean("chatops.startup.timeline")) {
            // where start-up time goes, step by step, at /actuator/startup (bench/startup-timeline.sh)
            application.setApplicationStartup(new BufferingApplicationStartup(20_000));
        }
        try {
            return application.run(args);
        } catch (RuntimeException | Error e) {
            early.close();
            throw e;
        }
    }
}
