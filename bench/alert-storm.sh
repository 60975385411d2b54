#!/usr/bin/env bash
# Alert storm: 10,000 Mackerel notifications over 1,000 alert ids (open, repeat, change, recover;
# see lib/mackerel-storm.js) sent at full speed over 32 connections into the hub, with WireMock
# standing in for Backlog and Slack. Reports notifications accepted per second, the time until
# every issue is opened, commented and closed, the exact counts, and Slack calls per channel.
# The digest's edits come every chatops.alerts.group-interval (5m by default); the run sets it to
# GROUP_INTERVAL (20s) so the edits that name the storm's later alerts fall within the run.
#   bench/alert-storm.sh      (ALERTS=1000 CONCURRENCY=32 DELIVERY_TIMEOUT=900 GROUP_INTERVAL=20s to change;
#                              HUB_JAVA_OPTS=-XX:StartFlightRecording=filename=storm.jfr for a profile)
source "$(dirname "$0")/lib/common.sh"
ALERTS=${ALERTS:-1000}
CONCURRENCY=${CONCURRENCY:-32}
DELIVERY_TIMEOUT=${DELIVERY_TIMEOUT:-900}
GROUP_INTERVAL=${GROUP_INTERVAL:-20s}
QUIET=$(( ${GROUP_INTERVAL%s} + 20 ))
TOKEN="storm-mackerel-token-0123456789"
WIREMOCK_JAR="${WIREMOCK_JAR:-$HOME/.m2/repository/org/wiremock/wiremock-standalone/3.13.2/wiremock-standalone-3.13.2.jar}"
[ -f "$WIREMOCK_JAR" ] || { log "WireMock standalone not found at $WIREMOCK_JAR (./mvnw dependency:go-offline)"; exit 1; }
ensure_jar

WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatops-bench-storm.XXXXXX")"
trap 'cleanup; [ -n "${KEEP:-}" ] && log "kept $WORK" || rm -rf "$WORK"' EXIT
OUT="$RESULTS/alert-storm-$(date +%Y%m%d-%H%M%S).txt"
LOAD_BEFORE="$(load_average)"

STUB_PORT=$(free_port)
java -Xmx512m -jar "$WIREMOCK_JAR" --port "$STUB_PORT" --bind-address 127.0.0.1 --disable-banner \
  --container-threads 50 >"$WORK/wiremock.log" 2>&1 &
STUB_PID=$!
STARTED_PIDS+=("$STUB_PID")
STUB="http://127.0.0.1:$STUB_PORT"
for _ in $(seq 1 120); do curl -fs "$STUB/__admin/health" >/dev/null 2>&1 && break; sleep 0.5; done
stub() { curl -fs -X POST "$STUB/__admin/mappings" -d "$1" >/dev/null; }
stub '{"request":{"method":"GET","urlPath":"/api/v2/issues"},"response":{"status":200,"jsonBody":[]}}'
stub '{"request":{"method":"POST","urlPath":"/api/v2/issues"},"response":{"status":201,"headers":{"Content-Type":"application/json"},
  "body":"{\"id\":1{{randomValue length=9 type='"'"'NUMERIC'"'"'}},\"issueKey\":\"OPS-{{randomValue length=12 type='"'"'NUMERIC'"'"'}}\",\"summary\":\"s\",\"description\":\"d\"}",
  "transformers":["response-template"]}}'
stub '{"request":{"method":"POST","urlPathPattern":"/api/v2/issues/[^/]+/comments"},"response":{"status":201,"jsonBody":{"id":5}}}'
stub '{"request":{"method":"PATCH","urlPathPattern":"/api/v2/issues/[^/]+"},"response":{"status":200,"jsonBody":{"id":1001}}}'
stub '{"request":{"method":"POST","urlPathPattern":"/api/chat\\.(postMessage|update)"},"response":{"status":200,"headers":{"Content-Type":"application/json"},
  "body":"{\"ok\":true,\"channel\":\"CALERTS\",\"ts\":\"{{randomValue length=9 type='"'"'NUMERIC'"'"'}}.000100\"}","transformers":["response-template"]}}'
stub '{"request":{"method":"POST","urlPath":"/api/reactions.add"},"response":{"status":200,"jsonBody":{"ok":true}}}'

HUB_PORT=$(free_port)
SLACK_URL="$STUB"
start_hub "$HUB_PORT" "$WORK/hub-data" "$WORK/hub.log" --chatops.mackerel.webhook-token="$TOKEN" \
  --chatops.backlog.url="$STUB" --chatops.backlog.api-key=storm-backlog-key --chatops.backlog.project-id=10 \
  --chatops.backlog.issue-type-id=20 --chatops.backlog.priority-id=3 --chatops.slack.bot-token=xoxb-storm \
  --chatops.slack.alert-channel=CALERTS --chatops.alerts.group-interval="$GROUP_INTERVAL"
wait_for_ack "http://127.0.0.1:$HUB_PORT" 240 || { tail -50 "$WORK/hub.log"; exit 1; }

node "$BENCH_DIR/lib/mackerel-storm.js" "$ALERTS" "$WORK/storm.jsonl"
EXPECTED_COMMENTS=$((ALERTS * 4))
log "storm: $(wc -l <"$WORK/storm.jsonl") notifications over $ALERTS alert ids, $CONCURRENCY connections (load $(load_average))"
STORM_START=$(date +%s.%N)
SENT="$(node "$BENCH_DIR/lib/storm-sender.js" "http://127.0.0.1:$HUB_PORT/hooks/mackerel?token=$TOKEN" "$WORK/storm.jsonl" "$CONCURRENCY")"
log "sent: $SENT"

DELIVERED=""
while [ -z "$DELIVERED" ]; do
  COUNTS="$(node "$BENCH_DIR/lib/storm-report.js" "$STUB" --counts)"
  if echo "$COUNTS" | grep -q "\"created\":$ALERTS,\"comments\":$EXPECTED_COMMENTS,\"closed\":$ALERTS"; then
    DELIVERED=$(awk -v s="$STORM_START" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  elif awk -v s="$STORM_START" -v e="$(date +%s.%N)" -v t="$DELIVERY_TIMEOUT" 'BEGIN { exit !(e - s > t) }'; then
    DELIVERED="not within $DELIVERY_TIMEOUT s ($COUNTS)"
  else
    sleep 1
  fi
done
log "Backlog complete after $DELIVERED s; waiting for Slack to be quiet for $QUIET s (group-interval $GROUP_INTERVAL)"
QUIET_SINCE=$SECONDS
LAST=-1
while [ $((SECONDS - QUIET_SINCE)) -lt "$QUIET" ]; do
  NOW=$(curl -fs -X POST "$STUB/__admin/requests/count" -d '{"urlPathPattern":"/api/chat\\..*"}' | sed 's/[^0-9]//g')
  [ "$NOW" != "$LAST" ] && QUIET_SINCE=$SECONDS && LAST=$NOW
  sleep 2
done
REPORT="$(node "$BENCH_DIR/lib/storm-report.js" "$STUB")"
RSS_MB=$(( $(rss_kb "$HUB_PID" VmHWM) / 1024 ))
{
  echo "# bench/alert-storm.sh $(date -Is) on $(nproc) cores, load before $LOAD_BEFORE, after $(load_average)"
  echo "# $(wc -l <"$WORK/storm.jsonl") Mackerel notifications, $ALERTS alert ids, $CONCURRENCY connections; WireMock for Backlog and Slack; group-interval $GROUP_INTERVAL"
  node -e '
    const sent = JSON.parse(process.argv[1]); const r = JSON.parse(process.argv[2]);
    const row = (k, v) => console.log(k.padEnd(44) + String(v));
    row("notifications sent", sent.sent);
    row("accepted (202)", sent.accepted + "  other: " + JSON.stringify(Object.fromEntries(Object.entries(sent.statuses).filter(([s]) => s !== "202"))));
    row("accepted per second", (sent.accepted / sent.seconds).toFixed(0) + "  (" + sent.seconds.toFixed(1) + " s)");
    row("all issues opened, commented, closed after", process.argv[3] + " s from the first notification"
      + (isNaN(parseFloat(process.argv[3])) ? "" : ", " + (parseFloat(process.argv[3]) - sent.seconds).toFixed(1) + " s after the last (target 30 s)"));
    row("issues opened (expected " + process.argv[4] + ")", r.created + "  for " + r.alertsWithIssue + " alert ids, " + r.alertsWithMoreThanOneIssue + " with more than one");
    row("comments (expected " + 4 * process.argv[4] + ")", r.comments);
    row("issues closed (expected " + process.argv[4] + ")", r.issuesClosed + "  closed twice: " + r.issuesClosedTwice);
    for (const s of r.slack) {
      row("Slack calls in " + s.channel, s.calls + "  peak " + s.peakPerSecond + "/s, average " + s.averagePerSecond.toFixed(2) + "/s over " + s.spanSeconds.toFixed(0) + " s");
      row("alert ids named in " + s.channel + " (expected " + process.argv[4] + ")", s.alertIdsNamed + (s.alertIdsMissing.length ? "  missing e.g. " + s.alertIdsMissing.join(", ") : ""));
    }
    row("hub peak RSS", process.argv[5] + " MB");
  ' "$SENT" "$REPORT" "$DELIVERED" "$ALERTS" "$RSS_MB"
} | tee "$OUT"
log "saved $OUT"
