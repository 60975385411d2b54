#!/usr/bin/env bash
# Cold start: time from process start to the first 200 answer to a signed slash command, median of
# five (RUNS=5), for the hub as scripts/run-hub starts it (best JDK, its start-up cache, restarting on
# a data directory that already exists, as after a deploy), for plain `java -jar` on the default JDK,
# and for the Bolt for JavaScript peer. The hub's very first start on an empty data directory is
# reported apart. Builds the start-up cache first when it is missing (scripts/run-hub --build-cache).
source "$(dirname "$0")/lib/common.sh"
RUNS=${RUNS:-5}
ensure_jar
ensure_bolt
WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatops-bench-cold.XXXXXX")"
trap 'cleanup; rm -rf "$WORK"' EXIT
OUT="$RESULTS/cold-start-$(date +%Y%m%d-%H%M%S).txt"
LOAD_BEFORE="$(load_average)"

[ -f "$ROOT/target/hub/chatops-hub.aot" ] || [ -f "$ROOT/target/hub/chatops-hub.jsa" ] || "$ROOT/scripts/run-hub" --build-cache
HUB_ARGS=(--server.address=127.0.0.1 --chatops.data-dir="$WORK/hub-data" --chatops.slack.signing-secret="$SECRET"
  --chatops.slack.url=http://127.0.0.1:9)
hub() {
  local port=$1
  node "$BENCH_DIR/lib/first-ack.js" "http://127.0.0.1:$port" "$ROOT/scripts/run-hub" --server.port="$port" "${HUB_ARGS[@]}"
}
plain() {
  local port=$1
  node "$BENCH_DIR/lib/first-ack.js" "http://127.0.0.1:$port" java -jar "$HUB_JAR" --server.port="$port" "${HUB_ARGS[@]}"
}
bolt() {
  local port=$1
  PORT="$port" node "$BENCH_DIR/lib/first-ack.js" "http://127.0.0.1:$port" node "$BENCH_DIR/peers/bolt-js/app.js"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

FIRST=$(hub "$(free_port)")
log "hub first start on an empty data directory: $FIRST ms (load $(load_average))"
for i in $(seq 1 "$RUNS"); do
  hub "$(free_port)" >>"$WORK/hub.ms"
  plain "$(free_port)" >>"$WORK/plain.ms"
  bolt "$(free_port)" >>"$WORK/bolt.ms"
  log "run $i: hub $(tail -1 "$WORK/hub.ms") ms, java -jar $(tail -1 "$WORK/plain.ms") ms, bolt $(tail -1 "$WORK/bolt.ms") ms (load $(load_average))"
done
{
  echo "# bench/cold-start.sh $(date -Is) on $(nproc) cores, load before $LOAD_BEFORE, after $(load_average)"
  echo "# run-hub: $(ls "$ROOT"/target/hub/chatops-hub.{aot,jsa} 2>/dev/null | xargs -n1 basename | tr '\n' ' '); java -jar: $(java -version 2>&1 | head -1)"
  printf '%-8s %10s   %s\n' peer "median ms" "runs (ms)"
  printf '%-8s %10s   %s\n' run-hub "$(median <"$WORK/hub.ms")" "$(tr '\n' ' ' <"$WORK/hub.ms")"
  printf '%-8s %10s   %s\n' java-jar "$(median <"$WORK/plain.ms")" "$(tr '\n' ' ' <"$WORK/plain.ms")"
  printf '%-8s %10s   %s\n' bolt "$(median <"$WORK/bolt.ms")" "$(tr '\n' ' ' <"$WORK/bolt.ms")"
  echo "hub first start on an empty data directory: $FIRST ms"
} | tee "$OUT"
log "saved $OUT"
