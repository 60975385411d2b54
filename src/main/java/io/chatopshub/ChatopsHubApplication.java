package io.chatopshub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The hub. Spring Cloud AWS is here only for {@code spring.config.import=aws-secretsmanager:…},
 * which builds its own client; its auto-configured clients would look up an AWS region at startup
 * (from the EC2 metadata service, if need be) even when no secret is imported, so they are left out.
 */
@SpringBootApplication(excludeName = {
        "io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration",
        "io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration",
        "io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration",
        "io.awspring.cloud.autoconfigure.config.secretsmanager.SecretsManagerAutoConfiguration",
        "io.awspring.cloud.autoconfigure.config.secretsmanager.SecretsManagerReloadAutoConfiguration" })
@ConfigurationPropertiesScan
public class ChatopsHubApplication {

    public static void main(String[] args) {
        var application = new SpringApplication(ChatopsHubApplication.class);
        if (Boolean.getBoolean("chatops.startup.timeline")) {
            // where start-up time goes, step by step, at /actuator/startup (bench/startup-timeline.sh)
            application.setApplicationStartup(new BufferingApplicationStartup(20_000));
        }
        application.run(args);
    }
}
