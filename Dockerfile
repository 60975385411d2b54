# syntax=docker/dockerfile:1
# Build: Maven with the wrapper, then a slim JRE image running the hub as a non-root user.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src/ src/
RUN ./mvnw -B -ntp -q package -DskipTests && cp target/chatops-hub-*.jar /src/chatops-hub.jar

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system chatops && useradd --system --gid chatops --home-dir /app chatops \
    && mkdir -p /app/data && chown -R chatops:chatops /app
WORKDIR /app
COPY --from=build /src/chatops-hub.jar /app/chatops-hub.jar
COPY application.yaml /app/application.yaml
COPY routes/ /app/routes/
USER chatops
ENV CHATOPS_DATA_DIR=/app/data \
    JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=60 -Xss512k"
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-jar", "/app/chatops-hub.jar"]
