#!/usr/bin/env bash
# What the console costs: starts the hub through scripts/run-hub without the console (the embedded
# defaults: no operator password, so no Hawtio and no Jolokia), the same without the Spring AOT
# context, and with the console (an operator password set, which the default build's Spring AOT
# context was not made for), in turn, RUNS times each (default 3), and prints for each start: the time from the launch to the
# first 200 its Camel route gave to a signed slash command, the process CPU time spent by then
# (user+system, which a busy machine distorts less than wall-clock time), whether the Spring AOT
# context prepared by the build was used (the default build is made for a hub without a console;
# README, "Spring AOT"), the classes loaded 20 s later, and RSS 20 s later; then the medians.
# Arguments pass through to both hubs.
source "$(dirname "$0")/lib/common.sh"
RUNS=${RUNS:-3}
ensure_jar
[ -f "$ROOT/target/hub/chatops-hub.aot" ] || [ -f "$ROOT/target/hub/chatops-hub.jsa" ] || "$ROOT/scripts/run-hub" --build-cache
WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatops-bench-console.XXXXXX")"
trap 'cleanup; rm -rf "$WORK"' EXIT
OUT="$RESULTS/console-cost-$(date +%Y%m%d-%H%M%S).txt"
LOAD_BEFORE="$(load_average)"

# one <name> [extra args...]: one start, one line appended to $WORK/<name>.txt
one() {
  local name=$1 port start_ns first_ms cpu_ms aot classes rss
  shift
  port=$(free_port)
  rm -rf "$WORK/data"
  start_ns=$(date +%s%N)
  start_hub "$port" "$WORK/data" "$WORK/$name.log" "$@"
  wait_for_ack "http://127.0.0.1:$port" 240 || { tail -40 "$WORK/$name.log"; exit 1; }
  first_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$HUB_PID/stat")
  sleep 20
  rss=$(( $(rss_kb "$HUB_PID" VmRSS) / 1024 ))
  classes=$("$(dirname "$(readlink -f "/proc/$HUB_PID/exe")")/jcmd" "$HUB_PID" PerfCounter.print 2>/dev/null \
    | awk -F= '/java.cls.loadedClasses=/ { l = $2 } /java.cls.sharedLoadedClasses=/ { s = $2 } END { print l + s }')
  if grep -q "Spring AOT: the application context prepared when the hub was built is used" "$WORK/$name.log"; then aot=yes; else aot=no; fi
  kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true
  echo "$first_ms $cpu_ms $rss $classes $aot" >>"$WORK/$name.txt"
  log "$name: routes' first answer ${first_ms} ms, CPU ${cpu_ms} ms, RSS 20 s later ${rss} MB, classes ${classes}, Spring AOT context used: ${aot} (load $(load_average))"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() {
  printf '%-20s %10s %10s %10s %10s %6s\n' "$1" "$(awk '{ print $1 }' "$WORK/$1.txt" | median)" \
    "$(awk '{ print $2 }' "$WORK/$1.txt" | median)" "$(awk '{ print $3 }' "$WORK/$1.txt" | median)" \
    "$(awk '{ print $4 }' "$WORK/$1.txt" | median)" "$(awk '{ print $5 }' "$WORK/$1.txt" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
}

for i in $(seq 1 "$RUNS"); do
  one console-off "$@"
  HUB_JAVA_OPTS="${HUB_JAVA_OPTS:-} -Dspring.aot.enabled=false" one console-off-no-aot "$@"
  one console-on --spring.security.user.password=bench-operator "$@"
done
{
  echo "# bench/console-cost.sh $(date -Is) on $(nproc) cores, load before $LOAD_BEFORE, after $(load_average), $RUNS starts each, medians"
  printf '%-20s %10s %10s %10s %10s %6s\n' hub "routes ms" "CPU ms" "RSS MB" classes "Spring AOT used"
  row console-off
  row console-off-no-aot
  row console-on
} | tee "$OUT"
log "saved $OUT"
