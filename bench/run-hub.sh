#!/usr/bin/env bash
# Runs the packaged hub with the settings BENCHMARKS.md measured, from the project root (where
# application.yaml and routes/ are). Arguments go to the hub (--key=value).
#
# - Java: Temurin 25 when installed (JAVA=... to choose another).
# - With Java 25 and an AOT cache made by bench/aot-cache.sh (target/hub/chatops-hub.aot), the
#   hub runs from the extracted jar with that cache: classes come loaded and linked from it.
# - Memory: serial GC, 192 MB heap (HUB_HEAP=... to change), bounded code cache, two malloc arenas.
#   A 96 MB heap holds the hub's live set (~66 MB under load) but collects fully twice a second
#   under the acknowledgement load, which costs more throughput than the 100 MB it saves (BENCHMARKS.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TEMURIN25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
JAVA="${JAVA:-$([ -x "$TEMURIN25" ] && echo "$TEMURIN25" || echo java)}"
JVM_OPTS=(-XX:+UseSerialGC -Xmx${HUB_HEAP:-192m} -Xss512k -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError)
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

APP="$ROOT/target/hub"
FAT="$(ls "$ROOT"/target/chatops-hub-*.jar 2>/dev/null | grep -v -- '-plain.jar' | head -1 || true)"
if [ -f "$APP/chatops-hub.aot" ] && [ -f "$APP/chatops-hub.jar" ] && [ "$APP/chatops-hub.aot" -nt "$FAT" ] \
    && "$JAVA" -XX:AOTCache=/dev/null -version >/dev/null 2>&1; then
  exec "$JAVA" "${JVM_OPTS[@]}" -XX:AOTCache="$APP/chatops-hub.aot" -jar "$APP/chatops-hub.jar" "$@"
fi
exec "$JAVA" "${JVM_OPTS[@]}" -jar "${HUB_JAR:-$FAT}" "$@"
