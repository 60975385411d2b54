// Reads WireMock's request journal (admin API) after an alert storm and prints what reached
// Backlog and Slack: issues opened (and for how many distinct alert ids), comments, issues closed,
// Slack calls per channel with their peak per second and average rate, and how many of the alert
// ids (those Backlog got an issue for) are named in the Slack messages and updates of each channel.
//   node storm-report.js <wiremock-base-url> [--counts]
const base = process.argv[2];
const countsOnly = process.argv[3] === '--counts';

async function find(pattern) {
  const res = await fetch(`${base}/__admin/requests/find`, { method: 'POST', body: JSON.stringify(pattern) });
  return (await res.json()).requests;
}
async function count(pattern) {
  const res = await fetch(`${base}/__admin/requests/count`, { method: 'POST', body: JSON.stringify(pattern) });
  return (await res.json()).count;
}
const form = (body) => Object.fromEntries(new URLSearchParams(body));

(async () => {
  const created = await count({ method: 'POST', urlPath: '/api/v2/issues' });
  const comments = await count({ method: 'POST', urlPathPattern: '/api/v2/issues/[^/]+/comments' });
  const closed = await count({ method: 'PATCH', urlPathPattern: '/api/v2/issues/[^/]+' });
  if (countsOnly) {
    console.log(JSON.stringify({ created, comments, closed }));
    return;
  }
  const creates = await find({ method: 'POST', urlPath: '/api/v2/issues' });
  const perAlert = {};
  for (const r of creates) {
    const m = /Alert ID: (\S+)/.exec(form(r.body).description || '');
    const id = m ? m[1] : '?';
    perAlert[id] = (perAlert[id] || 0) + 1;
  }
  const patches = await find({ method: 'PATCH', urlPathPattern: '/api/v2/issues/[^/]+' });
  const closedKeys = {};
  for (const r of patches) {
    if (form(r.body).statusId === '4') {
      const key = r.url.split('?')[0].split('/').pop();
      closedKeys[key] = (closedKeys[key] || 0) + 1;
    }
  }
  const slack = await find({ method: 'POST', urlPathPattern: '/api/(chat\\.postMessage|chat\\.update)' });
  const perChannel = {};
  for (const r of slack) {
    const channel = form(r.body).channel || '?';
    (perChannel[channel] = perChannel[channel] || []).push(r.loggedDate);
  }
  const ids = Object.keys(perAlert).filter((k) => k !== '?');
  const namedIn = {};
  for (const r of slack) {
    const f = form(r.body);
    const channel = f.channel || '?';
    const text = (f.blocks || '') + (f.text || '');
    const named = (namedIn[channel] = namedIn[channel] || new Set());
    for (const id of ids) if (!named.has(id) && text.includes(id)) named.add(id);
  }
  const slackStats = Object.entries(perChannel).map(([channel, times]) => {
    times.sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    const span = (times[times.length - 1] - times[0]) / 1000;
    const named = namedIn[channel] || new Set();
    return { channel, calls: times.length, peakPerSecond: peak, spanSeconds: span,
      alertIdsNamed: named.size, alertIdsMissing: ids.filter((id) => !named.has(id)).slice(0, 5),
      averagePerSecond: span > 0 ? times.length / span : times.length };
  });
  console.log(JSON.stringify({
    created, comments, closed,
    alertsWithIssue: Object.keys(perAlert).filter((k) => k !== '?').length,
    alertsWithMoreThanOneIssue: Object.values(perAlert).filter((n) => n > 1).length,
    issuesClosed: Object.keys(closedKeys).length,
    issuesClosedTwice: Object.values(closedKeys).filter((n) => n > 1).length,
    slack: slackStats,
  }));
})();
