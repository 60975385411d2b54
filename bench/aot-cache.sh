#!/usr/bin/env bash
# Makes the JDK 25 AOT cache bench/run-hub.sh and the Dockerfile use: extracts the jar to
# target/hub/ (Spring Boot's jarmode=tools), runs the hub once with -XX:AOTCacheOutput while it
# answers signed Slack requests, and stops it; the JVM writes the cache on exit.
#   bench/aot-cache.sh        (needs Temurin 25; JAVA=... to choose)
source "$(dirname "$0")/lib/common.sh"
ensure_jar
TEMURIN25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
JAVA="${JAVA:-$TEMURIN25}"
"$JAVA" -XX:AOTCache=/dev/null -version >/dev/null 2>&1 || { log "$JAVA has no AOT cache (JDK 25+ needed)"; exit 1; }

APP="$ROOT/target/hub"
rm -rf "$APP"
"$JAVA" -Djarmode=tools -jar "$HUB_JAR" extract --destination "$APP" >/dev/null
mv "$APP/$(basename "$HUB_JAR")" "$APP/chatops-hub.jar"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatops-aot.XXXXXX")"
trap 'cleanup; rm -rf "$WORK"' EXIT
PORT=$(free_port)
log "training run on port $PORT"
(cd "$ROOT" && MALLOC_ARENA_MAX=2 exec "$JAVA" -XX:+UseSerialGC -Xmx192m -Xss512k -XX:ReservedCodeCacheSize=64m \
  -XX:AOTCacheOutput="$APP/chatops-hub.aot" -jar "$APP/chatops-hub.jar" --server.port="$PORT" --server.address=127.0.0.1 \
  --chatops.data-dir="$WORK/data" --chatops.slack.signing-secret="$SECRET" --chatops.slack.url=http://127.0.0.1:9 \
  >"$WORK/train.log" 2>&1) &
TRAIN_PID=$!
STARTED_PIDS+=("$TRAIN_PID")
wait_for_ack "http://127.0.0.1:$PORT" 240 || { tail -30 "$WORK/train.log"; exit 1; }
for kind in events commands; do
  node "$BENCH_DIR/lib/signed-requests.js" "$kind" 3000 1 "$WORK/$kind" "aot$RANDOM"
  wrk -t1 -c4 -d5s -s "$BENCH_DIR/lib/signed.lua" "http://127.0.0.1:$PORT" -- "$WORK/$kind" | grep '^RESULT' >&2
done
kill "$TRAIN_PID"
wait "$TRAIN_PID" 2>/dev/null || true
[ -f "$APP/chatops-hub.aot" ] || { tail -30 "$WORK/train.log"; log "no cache written"; exit 1; }
log "AOT cache: $APP/chatops-hub.aot ($(du -h "$APP/chatops-hub.aot" | cut -f1))"
