// Sends every request of a file exactly once, in order of the file, over CONCURRENCY keep-alive
// connections, as fast as the server answers. One request per line: the JSON body. Prints one
// JSON line: how many were sent, answered 202, other statuses, and the seconds it took.
//   node storm-sender.js <url> <bodies-file> [concurrency]
const fs = require('fs');
const http = require('http');

const [url, file, concurrencyArg] = process.argv.slice(2);
const bodies = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
const concurrency = Number(concurrencyArg || 32);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const statuses = {};
let next = 0;

function send(body) {
  return new Promise((resolve) => {
    const req = http.request(target, {
      method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function worker() {
  while (next < bodies.length) {
    const body = bodies[next++];
    const status = await send(body);
    statuses[status] = (statuses[status] || 0) + 1;
  }
}

(async () => {
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  console.log(JSON.stringify({ sent: bodies.length, accepted: statuses[202] || 0, statuses, seconds }));
})();
