#!/usr/bin/env bash
# Where start-up time and memory go: runs the hub once through scripts/run-hub with Spring's
# BufferingApplicationStartup (-Dchatops.startup.timeline=true) and Native Memory Tracking, and
# prints the time to the first signed answer with the process CPU time spent by then (user+system,
# which a busy machine distorts much less than wall-clock time), the classes loaded by then, the
# slowest start-up steps from /actuator/startup, the phases of the log, and 10 s after the first
# answer: RSS (how much of it is the mapped start-up cache), the threads per pool and the JVM's
# native memory summary. HUB_JAVA_OPTS and arguments pass through (e.g. --chatops.console.enabled=false).
source "$(dirname "$0")/lib/common.sh"
ensure_jar
WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatops-bench-timeline.XXXXXX")"
trap 'cleanup; rm -rf "$WORK"' EXIT
PORT=$(free_port)
OUT="$RESULTS/startup-timeline-$(date +%Y%m%d-%H%M%S).txt"
log "load before: $(load_average)"
START_NS=$(date +%s%N)
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:-} -Dchatops.startup.timeline=true -XX:NativeMemoryTracking=summary -Xlog:class+load=info:file=$WORK/classes.txt" \
  start_hub "$PORT" "$WORK/data" "$WORK/hub.log" --management.endpoints.web.exposure.include=health,startup \
  --spring.security.user.password=timeline "$@"
wait_for_ack "http://127.0.0.1:$PORT" 240 || { tail -40 "$WORK/hub.log"; exit 1; }
FIRST_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
CPU_MS=$(awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$HUB_PID/stat")
CLASSES_AT_FIRST=$(grep -c 'source:' "$WORK/classes.txt")
sleep 10
JCMD="$(dirname "$(readlink -f "/proc/$HUB_PID/exe")")/jcmd"
"$JCMD" "$HUB_PID" VM.native_memory summary >"$WORK/nmt.txt" 2>&1 || true
curl -s -u user:timeline "http://127.0.0.1:$PORT/actuator/startup" -o "$WORK/startup.json" || true
  head -c 300 "$WORK/startup.json" >&2; echo >&2
{
  echo "# bench/startup-timeline.sh $(date -Is), load $(load_average), args: $*"
  echo "first signed answer after ~${FIRST_MS} ms (polled every 0.5 s), process CPU by then ${CPU_MS} ms, classes loaded by then ${CLASSES_AT_FIRST}"
  echo "10 s later: RSS $(( $(rss_kb "$HUB_PID" VmRSS) / 1024 )) MB, of it the mapped start-up cache" \
    "$(awk '/^[0-9a-f]+-/ { cache = ($6 ~ /chatops-hub\.(aot|jsa)$/) } /^Rss:/ && cache { kb += $2 } END { print int(kb / 1024) }' "/proc/$HUB_PID/smaps") MB;" \
    "classes loaded $(grep -c 'source:' "$WORK/classes.txt"); threads $(ls "/proc/$HUB_PID/task" | wc -l):"
  "$JCMD" "$HUB_PID" Thread.print 2>/dev/null | sed -nE 's/^"([^"]*)".*/\1/p' | sed -E 's/[0-9a-f]*[0-9][0-9a-f]*/#/g' \
    | sort | uniq -c | sort -rn | awk '{ n = $1; $1 = ""; printf "  %3d%s\n", n, $0 }'
  echo "native memory (committed KB, -XX:NativeMemoryTracking=summary):"
  grep -E '^Total|^-' "$WORK/nmt.txt" | sed -E 's/\(reserved=[0-9]+KB, committed=([0-9]+)KB.*/\1/; s/reserved=[0-9]+KB, committed=([0-9]+)KB.*/\1/' \
    | awk '{ v = $NF; $NF = ""; sub(/^- */, ""); printf "  %-28s %8s\n", $0, v }' | awk '$NF > 500'
  grep -E "Started ChatopsHubApplication|worker route\(s\) started|Tomcat started|Root WebApplicationContext" "$WORK/hub.log" | sed 's/^.*\] //' | cut -c1-160
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const ms = (s) => { const m = /PT(?:([\d.]+)M)?(?:([\d.]+)S)?/.exec(s.duration); return ((+m[1] || 0) * 60 + (+m[2] || 0)) * 1000; };
    const steps = d.timeline.events.map((e) => ({ ms: ms(e), name: e.startupStep.name,
      tag: (e.startupStep.tags.find((t) => t.key === "beanName") || {}).value || "" }));
    console.log("slowest start-up steps (ms, nested steps count in their parents too):");
    steps.sort((a, b) => b.ms - a.ms).slice(0, 25).forEach((s) => console.log(String(Math.round(s.ms)).padStart(7), s.name, s.tag));
  ' "$WORK/startup.json" 2>/dev/null || echo "(no /actuator/startup timeline)"
} | tee "$OUT"
log "saved $OUT"
