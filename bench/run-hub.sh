#!/usr/bin/env bash
# Runs the packaged hub from the project root. Arguments go to the hub (--key=value).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="${HUB_JAR:-$(ls "$ROOT"/target/chatops-hub-*.jar | grep -v -- '-plain.jar' | head -1)}"
JAVA="${JAVA:-java}"
cd "$ROOT"
exec "$JAVA" -XX:+UseSerialGC -XX:MaxRAMPercentage=60 -Xss512k -jar "$JAR" "$@"
