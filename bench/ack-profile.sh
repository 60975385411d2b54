#!/usr/bin/env bash
# A JFR profile of the hub acknowledging one kind of signed Slack request: the hub alone (no
# peer), 32 connections, a 30 s warm-up, then 30 s recorded with JFR's "profile" settings, and a
# summary of where the CPU went (by framework and by thread).
#   bench/ack-profile.sh [events|commands] [out.jfr]
# Used for the before/after profiles in BENCHMARKS.md; its req/s are lower than bench/ack.sh's
# (the recording costs CPU) and are not compared with the peer.
source "$(dirname "$0")/lib/common.sh"

KIND=${1:-events}
JFR=${2:-$RESULTS/ack-profile-$KIND-$(date +%Y%m%d-%H%M%S).jfr}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}

ensure_jar
command -v wrk >/dev/null || { log "wrk is missing: apt-get install -y wrk"; exit 1; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatops-bench-profile.XXXXXX")"
trap 'cleanup; rm -rf "$WORK"' EXIT

run() {
  local label=$1 url=$2 duration=$3 prefix="$WORK/$1"
  node "$BENCH_DIR/lib/signed-requests.js" "$KIND" 120000 "$THREADS" "$prefix" "$label$RANDOM$KIND"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 10s -s "$BENCH_DIR/lib/signed.lua" "$url" -- "$prefix" \
    | grep '^RESULT' | sed "s/^RESULT/$label $KIND/"
  rm -f "$prefix".*.tsv
}

PORT=$(free_port)
start_hub "$PORT" "$WORK/hub-data" "$WORK/hub.log"
wait_for_ack "http://127.0.0.1:$PORT" 240 || { tail -50 "$WORK/hub.log"; exit 1; }
JAVA_HOME_OF_HUB="$(dirname "$(dirname "$(readlink -f "/proc/$(pgrep -f "server.port=$PORT" | tail -1)/exe")")")"
JPID=$(pgrep -f "server.port=$PORT" | tail -1)
log "warm-up 30 s (load $(load_average))"
run warm-up "http://127.0.0.1:$PORT" 30s
"$JAVA_HOME_OF_HUB/bin/jcmd" "$JPID" JFR.start name=ack settings=profile filename="$JFR" >/dev/null
log "recording 30 s (load $(load_average))"
run recorded "http://127.0.0.1:$PORT" 30s
"$JAVA_HOME_OF_HUB/bin/jcmd" "$JPID" JFR.stop name=ack >/dev/null
stop_pid "$HUB_PID"
log "state store $(du -sh "$WORK/hub-data/state" | cut -f1), broker $(du -sh "$WORK/hub-data/broker" | cut -f1) after both runs"
python3 "$BENCH_DIR/lib/jfr-summary.py" "$JAVA_HOME_OF_HUB/bin/jfr" "$JFR"
log "saved $JFR"
