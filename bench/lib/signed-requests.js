// Writes Slack-signed requests for wrk (bench/lib/signed.lua): one file per wrk thread, one
// request per line as path<TAB>timestamp<TAB>signature<TAB>content-type<TAB>body. Every request
// is distinct (its own event_id or trigger_id) and signed now, so the whole set stays valid for
// Slack's 300 s window.
//   node signed-requests.js <events|commands> <count-per-file> <files> <out-prefix> <id-prefix>
const crypto = require('crypto');
const fs = require('fs');

const [kind, countArg, filesArg, out, idPrefix] = process.argv.slice(2);
const secret = process.env.SLACK_SIGNING_SECRET;
if (!secret || !['events', 'commands'].includes(kind) || !out) {
  console.error('usage: SLACK_SIGNING_SECRET=... node signed-requests.js <events|commands> <count> <files> <out-prefix> <id-prefix>');
  process.exit(2);
}
const count = Number(countArg);
const files = Number(filesArg);
const ts = String(Math.floor(Date.now() / 1000));

function sign(body) {
  return 'v0=' + crypto.createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
}

// A message in a channel: the hub queues it durably and its worker ignores it.
function event(id) {
  return JSON.stringify({
    token: 'legacy', team_id: 'T0BENCH', api_app_id: 'A0BENCH', type: 'event_callback',
    event_id: `Ev${id}`, event_time: Number(ts),
    event: { type: 'message', channel: 'C0BENCH', channel_type: 'channel', user: 'U0BENCH',
      text: 'load test message', ts: `${ts}.${String(id).slice(-6).padStart(6, '0')}` },
  });
}

// A slash command nobody defined: answered at once, de-duplicated on trigger_id.
function command(id) {
  const fields = {
    token: 'legacy', team_id: 'T0BENCH', team_domain: 'bench', channel_id: 'C0BENCH', channel_name: 'bench',
    user_id: 'U0BENCH', user_name: 'bench', command: '/bench', text: 'hello world', api_app_id: 'A0BENCH',
    response_url: 'http://127.0.0.1:9/response', trigger_id: `${id}.1.bench`,
  };
  return new URLSearchParams(fields).toString();
}

for (let f = 0; f < files; f++) {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const id = `${idPrefix}${f}x${i}`;
    const body = kind === 'events' ? event(id) : command(id);
    const path = kind === 'events' ? '/slack/events' : '/slack/commands';
    const type = kind === 'events' ? 'application/json' : 'application/x-www-form-urlencoded';
    lines.push(`${path}\t${ts}\t${sign(body)}\t${type}\t${body}`);
  }
  fs.writeFileSync(`${out}.${f}.tsv`, lines.join('\n') + '\n');
}
