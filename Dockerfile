# syntax=docker/dockerfile:1
# Build: Maven with the wrapper, then a slim JRE image running the hub as a non-root user.
#   docker build -t chatops-hub .
#   docker run -p 8080:8080 -v chatops-data:/app/data -e CHATOPS_SLACK_SIGNING_SECRET=... chatops-hub
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q dependency:go-offline
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q package -DskipTests \
    && cp target/chatops-hub-*.jar /src/chatops-hub.jar

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 chatops \
    && useradd --system --uid 10001 --gid chatops --home-dir /app --shell /usr/sbin/nologin chatops \
    && mkdir -p /app/data && chown -R chatops:chatops /app
WORKDIR /app
COPY --from=build /src/chatops-hub.jar /app/chatops-hub.jar
# application.yaml in the working directory is read by Spring Boot; routes/ by Camel (file:routes/**).
COPY application.yaml /app/application.yaml
COPY routes/ /app/routes/
USER 10001:10001
ENV CHATOPS_DATA_DIR=/app/data \
    JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=60 -Xss512k -XX:+ExitOnOutOfMemoryError"
# embedded broker journal and dedup store (unused when the broker and store are external)
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-jar", "/app/chatops-hub.jar"]
