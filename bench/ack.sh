#!/usr/bin/env bash
# Slack acknowledgement throughput: signed, distinct /slack/events and /slack/commands requests
# at 32 connections for 20 s, against the hub and against a Bolt for JavaScript peer with the
# same signing secret, one after the other on this machine. Also reports the resident memory of
# both after the load.
#   bench/ack.sh            (DURATION=20s CONNECTIONS=32 THREADS=2 WARMUP=10s to change)
source "$(dirname "$0")/lib/common.sh"

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-10s}
# enough distinct requests per wrk thread that none is sent twice at up to ~12k requests/s
PER_THREAD=${PER_THREAD:-120000}

ensure_jar
ensure_bolt
command -v wrk >/dev/null || { log "wrk is missing: apt-get install -y wrk"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatops-bench-ack.XXXXXX")"
trap 'cleanup; cp "$WORK/hub.log" /tmp/last-ack-hub.log 2>/dev/null; rm -rf "$WORK"' EXIT
OUT="$RESULTS/ack-$(date +%Y%m%d-%H%M%S).txt"

# run <label> <base-url> <events|commands> <duration>: prints the RESULT line of wrk
run() {
  local label=$1 url=$2 kind=$3 duration=$4 prefix="$WORK/$1-$3"
  node "$BENCH_DIR/lib/signed-requests.js" "$kind" "$PER_THREAD" "$THREADS" "$prefix" "$label$RANDOM$kind"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 10s -s "$BENCH_DIR/lib/signed.lua" "$url" -- "$prefix" \
    | grep '^RESULT' | sed "s/^RESULT/$label $kind/"
  rm -f "$prefix".*.tsv
}

measure() {
  local label=$1 url=$2 pid=$3
  echo "$label idle_kb=$(rss_kb "$pid" VmRSS)" | tee -a "$WORK/results"
  log "$label: warm-up $WARMUP per endpoint (load $(load_average))"
  run "$label-warmup" "$url" events "$WARMUP" >/dev/null
  run "$label-warmup" "$url" commands "$WARMUP" >/dev/null
  for kind in events commands; do
    log "$label: $kind for $DURATION at $CONNECTIONS connections (load $(load_average))"
    run "$label" "$url" "$kind" "$DURATION" | tee -a "$WORK/results"
  done
  echo "$label rss_kb=$(rss_kb "$pid" VmRSS) hwm_kb=$(rss_kb "$pid" VmHWM)" | tee -a "$WORK/results"
}

LOAD_BEFORE="$(load_average)"
HUB_PORT=$(free_port)
start_hub "$HUB_PORT" "$WORK/hub-data" "$WORK/hub.log"
wait_for_ack "http://127.0.0.1:$HUB_PORT" 240 || { tail -50 "$WORK/hub.log"; exit 1; }
measure hub "http://127.0.0.1:$HUB_PORT" "$HUB_PID"
stop_pid "$HUB_PID"

BOLT_PORT=$(free_port)
start_bolt "$BOLT_PORT" "$WORK/bolt.log"
wait_for_ack "http://127.0.0.1:$BOLT_PORT" 60 || { cat "$WORK/bolt.log"; exit 1; }
measure bolt "http://127.0.0.1:$BOLT_PORT" "$BOLT_PID"
stop_pid "$BOLT_PID"
LOAD_AFTER="$(load_average)"

field() { grep "^$1 $2 " "$WORK/results" | tr ' ' '\n' | awk -F= -v k="$3" '$1 == k { print $2 }'; }
{
  echo "# bench/ack.sh $(date -Is) on $(nproc) cores, load before $LOAD_BEFORE, after $LOAD_AFTER"
  echo "# $CONNECTIONS connections, $THREADS wrk threads, $DURATION per endpoint after $WARMUP warm-up"
  printf '%-9s %-7s %10s %9s %9s %8s %8s\n' endpoint peer "req/s" "p50 ms" "p99 ms" non2xx errors
  for kind in events commands; do
    for peer in hub bolt; do
      printf '%-9s %-7s %10s %9s %9s %8s %8s\n' "$kind" "$peer" "$(field $peer $kind rps)" "$(field $peer $kind p50_ms)" \
        "$(field $peer $kind p99_ms)" "$(field $peer $kind non2xx)" "$(field $peer $kind socket_errors)"
    done
    awk -v h="$(field hub $kind rps)" -v b="$(field bolt $kind rps)" -v hp="$(field hub $kind p99_ms)" -v bp="$(field bolt $kind p99_ms)" \
      -v k="$kind" 'BEGIN { printf "%-9s ratio   %9.2fx   p99 hub/bolt %.2f\n", k, h / b, hp / bp }'
  done
  for peer in hub bolt; do
    line="$(grep "^$peer rss_kb" "$WORK/results")"
    idle="$(grep "^$peer idle_kb" "$WORK/results" | cut -d= -f2)"
    echo "$line" | awk -v p="$peer" -v i="$idle" '{ split($2, r, "="); split($3, h, "="); printf "RSS %-5s idle after start %6.0f MB, after the load %6.0f MB (peak %.0f MB)\n", p, i / 1024, r[2] / 1024, h[2] / 1024 }'
  done
  wraps=$(grep -h -o 'reused=[0-9]*' "$WORK/results" | awk -F= '{ s += $2 } END { print s + 0 }')
  [ "$wraps" = 0 ] || echo "# note: a request file was replayed $wraps times (duplicates); raise PER_THREAD"
} | tee "$OUT"
log "saved $OUT"
