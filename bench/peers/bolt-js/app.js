// The peer bench/ack.sh compares the hub with: Slack's Bolt for JavaScript with the same signing
// secret, answering every slash command with an ephemeral text and acknowledging every event.
// It never calls Slack: authorize answers from constants, so Bolt needs no auth.test call.
const { App, LogLevel } = require('@slack/bolt');

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  authorize: async () => ({ botToken: 'xoxb-offline-peer', botId: 'B0PEER', botUserId: 'U0PEER' }),
  // the hub's paths; Bolt's default is /slack/events for everything
  endpoints: ['/slack/events', '/slack/commands'],
  logLevel: LogLevel.ERROR,
});

app.command(/.*/, async ({ command, ack }) => {
  await ack({ response_type: 'ephemeral', text: `I don't know the command \`${command.command}\`.` });
});

app.event('message', async () => {});

(async () => {
  const port = Number(process.env.PORT || 3000);
  await app.start(port);
  console.log(`bolt peer listening on ${port}`);
})();
