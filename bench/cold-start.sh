#!/usr/bin/env bash
# Cold start: time from process start to the first 200 answer to a signed slash command (for the hub:
# its early edge's), and to the first 200 its Camel route gave (Spring and Camel up), median of
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
# column <n> <file>: the n-th number of every line (1: the first 200, 2: the first 200 the server's own
# command handling gave, not the hub's early edge)
column() { awk -v n="$1" '{ print $n }' "$2"; }
row() {
  printf '%-8s %12s %12s   %s\n' "$1" "$(column 1 "$2" | median)" "$(column 2 "$2" | median)" "$(tr '\n' ';' <"$2")"
}

FIRST=$(hub "$(free_port)")
log "hub first start on an empty data directory: $FIRST ms (load $(load_average))"
for i in $(seq 1 "$RUNS"); do
  hub "$(free_port)" >>"$WORK/hub.ms"
  plain "$(free_port)" >>"$WORK/plain.ms"
  bolt "$(free_port)" >>"$WORK/bolt.ms"
  log "run $i (first answer, answer by the hub's routes): hub $(tail -1 "$WORK/hub.ms") ms, java -jar $(tail -1 "$WORK/plain.ms") ms, bolt $(tail -1 "$WORK/bolt.ms") ms (load $(load_average))"
done
{
  echo "# bench/cold-start.sh $(date -Is) on $(nproc) cores, load before $LOAD_BEFORE, after $(load_average)"
  echo "# run-hub: $(ls "$ROOT"/target/hub/chatops-hub.{aot,jsa} 2>/dev/null | xargs -n1 basename | tr '\n' ' '); java -jar: $(java -version 2>&1 | head -1)"
  echo "# first answer: the first 200 to a signed slash command (the hub's early edge); routes: the first 200"
  echo "# given by the server's own command handling (the hub's Camel route, after Spring and Camel started)"
  printf '%-8s %12s %12s   %s\n' peer "first ms" "routes ms" "runs (first routes; ...)"
  row run-hub "$WORK/hub.ms"
  row java-jar "$WORK/plain.ms"
  row bolt "$WORK/bolt.ms"
  echo "hub first start on an empty data directory (first routes): $FIRST ms"
} | tee "$OUT"
log "saved $OUT"
