package io.chatopshub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ChatopsHubApplication {

    public static void main(String[] args) {
        SpringApplication.run(ChatopsHubApplication.class, args);
    }
}
