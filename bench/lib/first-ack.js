// Cold start: spawns a server command and measures the time from just before the spawn to the
// first 200 answer to a signed slash command (a new trigger_id every attempt, polled every 10 ms),
// and to the first 200 answered by the server's own command handling rather than by the hub's
// early edge (whose answer says the hub is starting; for any other server the two are the same).
// Prints the two times in milliseconds and stops the server.
//   node first-ack.js <base-url> <command> [args...]
//   node first-ack.js --once <base-url>      (exit 0 when one signed command is answered 200 by the
//                                             server's own command handling, not the hub's early edge)
const crypto = require('crypto');
const http = require('http');
const { spawn } = require('child_process');

const secret = process.env.SLACK_SIGNING_SECRET;
let attempt = 0;

function signedCommand(base) {
  const ts = String(Math.floor(Date.now() / 1000));
  const body = new URLSearchParams({
    team_id: 'T0BENCH', channel_id: 'C0BENCH', channel_name: 'bench', user_id: 'U0BENCH', user_name: 'bench',
    command: '/bench', text: 'cold start', api_app_id: 'A0BENCH', response_url: 'http://127.0.0.1:9/response',
    trigger_id: `${process.pid}.${Date.now()}.${attempt++}.cold`,
  }).toString();
  const signature = 'v0=' + crypto.createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  const url = new URL('/slack/commands', base);
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: 'POST', agent: false, timeout: 5000,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body),
        'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': signature },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, early: text.includes('the hub is starting') }));
    });
    req.on('error', () => resolve({ status: 0 }));
    req.on('timeout', () => { req.destroy(); resolve({ status: 0 }); });
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

(async () => {
  const args = process.argv.slice(2);
  if (args[0] === '--once') {
    const answer = await signedCommand(args[1]);
    process.exit(answer.status === 200 && !answer.early ? 0 : 1);
  }
  const [base, cmd, ...cmdArgs] = args;
  const start = process.hrtime.bigint();
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const deadline = start + 120_000_000_000n;
  let first = 0;
  let full = 0;
  while (!exited && process.hrtime.bigint() < deadline) {
    const answer = await signedCommand(base);
    if (answer.status === 200) {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (!first) first = ms;
      if (!answer.early) { full = ms; break; }
    }
    await sleep(10);
  }
  try { process.kill(-child.pid, 'SIGTERM'); } catch (e) { /* already gone */ }
  if (!full) {
    console.error(exited ? 'the server exited before answering' : 'no answer within 120 s');
    process.exit(1);
  }
  const giveUp = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch (e) { /* gone */ } }, 20000);
  if (!exited) await new Promise((r) => child.on('exit', r));
  clearTimeout(giveUp);
  console.log(`${first.toFixed(0)} ${full.toFixed(0)}`);
})();
