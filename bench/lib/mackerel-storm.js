// Writes the alert storm: ALERTS Mackerel alert ids, ten notifications each, sent step by step
// (every alert's first notification, then every alert's second, ...): critical, its repeat,
// warning, its repeat, critical, its repeat, warning, critical, ok, its repeat. A repeat is the
// same notification again (same status and time), as Mackerel sends when a delivery is retried.
//   node mackerel-storm.js <alerts> <out-file>
const fs = require('fs');

const [alertsArg, out] = process.argv.slice(2);
const alerts = Number(alertsArg);
const base = 1795255200;
const steps = [
  ['critical', 0], ['critical', 0], ['warning', 1], ['warning', 1], ['critical', 2], ['critical', 2],
  ['warning', 3], ['critical', 4], ['ok', 5], ['ok', 5],
];

function notification(i, status, step) {
  const id = `4gStorm${String(i).padStart(4, '0')}`;
  const at = base + 60 * step;
  return JSON.stringify({
    orgName: 'acme', event: 'alert', imageUrl: null, memo: '', type: 'host',
    message: status === 'ok' ? 'CPU % 12.0' : `CPU % ${status === 'critical' ? 95 : 85}.0 > 80`,
    host: { id: `host${i}`, name: `web-${i}`, type: 'unknown', url: `https://mackerel.io/orgs/acme/hosts/host${i}`,
      status: 'working', memo: '', isRetired: false, roles: [] },
    user: null,
    alert: { id, url: `https://mackerel.io/orgs/acme/alerts/${id}`, status, isOpen: status !== 'ok',
      trigger: 'monitor', monitorName: 'CPU usage', metricLabel: 'cpu%', metricValue: 95.0,
      monitorOperator: '>', warningThreshold: 80, criticalThreshold: 90, duration: 3, openedAt: base,
      closedAt: status === 'ok' ? at : null, createdAt: base * 1000, statusChangedAt: at },
  });
}

const lines = [];
for (const [status, step] of steps) {
  for (let i = 0; i < alerts; i++) {
    lines.push(notification(i, status, step));
  }
}
fs.writeFileSync(out, lines.join('\n') + '\n');
