#!/usr/bin/env bash
# Where start-up time goes: runs the hub once through scripts/run-hub with Spring's
# BufferingApplicationStartup (-Dchatops.startup.timeline=true), counts the classes it loads, and
# prints the slowest start-up steps from /actuator/startup, the time to the first signed answer
# and the phases of the log. HUB_JAVA_OPTS and arguments pass through (e.g. --chatops.console.enabled=false).
source "$(dirname "$0")/lib/common.sh"
ensure_jar
WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatops-bench-timeline.XXXXXX")"
trap 'cleanup; rm -rf "$WORK"' EXIT
PORT=$(free_port)
OUT="$RESULTS/startup-timeline-$(date +%Y%m%d-%H%M%S).txt"
log "load before: $(load_average)"
START_NS=$(date +%s%N)
HUB_JAVA_OPTS="${HUB_JAVA_OPTS:-} -Dchatops.startup.timeline=true -Xlog:class+load=info:file=$WORK/classes.txt" \
  start_hub "$PORT" "$WORK/data" "$WORK/hub.log" --management.endpoints.web.exposure.include=health,startup \
  --spring.security.user.password=timeline "$@"
wait_for_ack "http://127.0.0.1:$PORT" 240 || { tail -40 "$WORK/hub.log"; exit 1; }
FIRST_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
sleep 2
curl -s -u user:timeline "http://127.0.0.1:$PORT/actuator/startup" -o "$WORK/startup.json" || true
  head -c 300 "$WORK/startup.json" >&2; echo >&2
{
  echo "# bench/startup-timeline.sh $(date -Is), load $(load_average), args: $*"
  echo "first signed answer after ~${FIRST_MS} ms (polled every 0.5 s); RSS $(( $(rss_kb "$HUB_PID" VmRSS) / 1024 )) MB"
  echo "classes loaded: $(grep -c 'source:' "$WORK/classes.txt")"
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
