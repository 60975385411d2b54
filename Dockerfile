# syntax=docker/dockerfile:1
# Build: Maven with the wrapper (Java 17 bytecode), then a Java 25 runtime image that runs the hub
# through scripts/run-hub, the same launcher and JVM settings as on a VM, with its AOT cache made
# in the image itself (the cache must come from the JVM that uses it).
#   docker build -t chatops-hub .
#   docker run -p 8080:8080 -v chatops-data:/app/data -e CHATOPS_SLACK_SIGNING_SECRET=... \
#     -e SPRING_SECURITY_USER_PASSWORD=... chatops-hub
#   (built for a hub with that console password; --build-arg SPRING_AOT_SETTINGS= for one without)
# Spring AOT's code is made for the settings of application.yaml and SPRING_AOT_SETTINGS (system
# properties; by default an operator password, only as set: a hub with its console, as the `docker
# run` above starts it; "" for a hub without one); a hub started with settings of another shape
# prepares its context as usual (README, "Spring AOT"). Both stages use it.
ARG SPRING_AOT_SETTINGS="-Dspring.security.user.password=set"

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q dependency:go-offline
COPY src/ src/
# the Spring AOT code is made for this application.yaml and SPRING_AOT_SETTINGS (above)
COPY application.yaml ./
COPY routes/ routes/
ARG SPRING_AOT_SETTINGS
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q package -DskipTests \
    "-Dspring-boot.aot.jvmArguments=${SPRING_AOT_SETTINGS}" \
    && java -Djarmode=tools -jar target/chatops-hub-*[0-9T].jar extract --destination /src/hub \
    && mv /src/hub/chatops-hub-*.jar /src/hub/chatops-hub.jar

FROM eclipse-temurin:25-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 chatops \
    && useradd --system --uid 10001 --gid chatops --home-dir /app --shell /usr/sbin/nologin chatops \
    && mkdir -p /app/data && chown -R chatops:chatops /app
WORKDIR /app
# application.yaml in the working directory is read by Spring Boot; routes/ by Camel (file:routes/**).
COPY application.yaml /app/application.yaml
COPY routes/ /app/routes/
COPY scripts/run-hub /app/scripts/run-hub
COPY --from=build /src/hub/ /app/target/hub/
# The JDK 25 AOT cache: a training start that exits once the application is up, with the settings
# Spring AOT's code was made for (so the classes it records are the ones that code loads).
ARG SPRING_AOT_SETTINGS
RUN HUB_JAVA_OPTS="${SPRING_AOT_SETTINGS}" /app/scripts/run-hub --build-cache && chown -R chatops:chatops /app/target
USER 10001:10001
ENV CHATOPS_DATA_DIR=/app/data
# embedded broker journal and dedup store (unused when the broker and store are external)
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["/app/scripts/run-hub"]
