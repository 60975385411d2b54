# Shared by the bench/*.sh scripts: building what is missing, starting and stopping processes on
# loopback ports, and cleaning up whatever the script started, also when it is interrupted.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS="$ROOT/bench/results"
SECRET="bench-signing-secret-0123456789"
export SLACK_SIGNING_SECRET="$SECRET"
STARTED_PIDS=()
mkdir -p "$RESULTS"

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

ensure_jar() {
  if ! ls "$ROOT"/target/chatops-hub-*.jar >/dev/null 2>&1; then
    log "building the hub jar"
    (cd "$ROOT" && ./mvnw -q -o package -DskipTests)
  fi
  HUB_JAR="$(ls "$ROOT"/target/chatops-hub-*.jar | grep -v -- '-plain.jar' | head -1)"
}

ensure_bolt() {
  if [ ! -d "$BENCH_DIR/peers/bolt-js/node_modules/@slack/bolt" ]; then
    log "installing the Bolt peer (npm ci)"
    (cd "$BENCH_DIR/peers/bolt-js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_hub <port> <data-dir> <log> [extra --key=value ...]: sets HUB_PID
start_hub() {
  local port=$1 data=$2 logfile=$3
  shift 3
  "$ROOT/scripts/run-hub" --server.port="$port" --server.address=127.0.0.1 \
    --chatops.data-dir="$data" --chatops.slack.signing-secret="$SECRET" \
    --chatops.slack.url="${SLACK_URL:-http://127.0.0.1:9}" "$@" >"$logfile" 2>&1 &
  HUB_PID=$!
  STARTED_PIDS+=("$HUB_PID")
}

# start_bolt <port> <log>: sets BOLT_PID
start_bolt() {
  local port=$1 logfile=$2
  PORT="$port" node "$BENCH_DIR/peers/bolt-js/app.js" >"$logfile" 2>&1 &
  BOLT_PID=$!
  STARTED_PIDS+=("$BOLT_PID")
}

# wait_for_ack <base-url> <seconds>: until a signed slash command is answered 200 by the server itself
# (for the hub: by its Camel route, not by the early edge that answers while it starts)
wait_for_ack() {
  local url=$1 deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if node "$BENCH_DIR/lib/first-ack.js" --once "$url" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  log "no acknowledgement from $url within $2 s"
  return 1
}

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# rss_kb <pid> <VmRSS|VmHWM>
rss_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
