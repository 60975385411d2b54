// The open-source DynamoDB-compatible server of the DynamoDB store tests and of the compose example
// (deploy/dynalite): dynalite with the TTL calls it lacks.
//
//   node server.js                    tests: in memory, on a port the OS picks (printed as
//                                     "listening <port>" on stdout for the Java side to read); stops
//                                     when its standard input closes, so a test JVM that dies does
//                                     not leave it behind
//   node server.js --service --host=0.0.0.0 --port=8000 --path=/data
//                                     a service: tables kept in LevelDB under --path, runs until
//                                     stopped
//
// dynalite 4 has no UpdateTimeToLive: this wrapper records the TTL setting per table and answers
// UpdateTimeToLive and DescribeTimeToLive with it. Like DynamoDB's own TTL, which deletes expired
// items hours late, it never deletes anything: the store must ignore expired items by itself,
// which is what the tests check. With --path the settings are kept beside the tables
// (ttl-settings.json), so a restarted service reports what was set.
'use strict'
const dynalite = require('dynalite')
const fs = require('fs')
const path = require('path')

const TARGET_PREFIX = 'DynamoDB_20120810.'
const options = parseArguments(process.argv.slice(2))
const ttlFile = options.path && path.join(options.path, 'ttl-settings.json')
const ttl = new Map(ttlFile && fs.existsSync(ttlFile) ? Object.entries(JSON.parse(fs.readFileSync(ttlFile, 'utf8'))) : [])
const server = dynalite(options.path
  ? { path: options.path }
  : { createTableMs: 20, deleteTableMs: 20, updateTableMs: 20 })
const dynaliteHandler = server.listeners('request')[0]
server.removeAllListeners('request')

server.on('request', (req, res) => {
  const target = String(req.headers['x-amz-target'] || '')
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : ''
  if (operation !== 'UpdateTimeToLive' && operation !== 'DescribeTimeToLive') {
    return dynaliteHandler(req, res)
  }
  const chunks = []
  req.on('data', chunk => chunks.push(chunk))
  req.on('end', () => {
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
    } catch (e) {
      return answer(res, 400, { __type: 'com.amazon.coral.service#SerializationException' })
    }
    const spec = ttl.get(body.TableName)
    if (operation === 'DescribeTimeToLive' && !spec) {
      return forward(req, res, chunks)
    }
    if (operation === 'DescribeTimeToLive') {
      return answer(res, 200, {
        TimeToLiveDescription: spec.Enabled
          ? { TimeToLiveStatus: 'ENABLED', AttributeName: spec.AttributeName }
          : { TimeToLiveStatus: 'DISABLED' }
      })
    }
    const requested = body.TimeToLiveSpecification || {}
    if (!body.TableName || !requested.AttributeName || typeof requested.Enabled !== 'boolean') {
      return answer(res, 400, { __type: 'com.amazon.coral.validate#ValidationException',
        message: 'TableName and TimeToLiveSpecification (AttributeName, Enabled) are required' })
    }
    if (spec && spec.Enabled === requested.Enabled) {
      return answer(res, 400, { __type: 'com.amazon.coral.validate#ValidationException',
        message: 'TimeToLive is already ' + (spec.Enabled ? 'enabled' : 'disabled') })
    }
    ttl.set(body.TableName, { AttributeName: requested.AttributeName, Enabled: requested.Enabled })
    if (ttlFile) keep(ttlFile, Object.fromEntries(ttl))
    answer(res, 200, { TimeToLiveSpecification: requested })
  })
})

/** DescribeTimeToLive of a table whose TTL was never set: dynalite's answer (DISABLED, or no such table). */
function forward (req, res, chunks) {
  const { PassThrough } = require('stream')
  const replay = new PassThrough()
  Object.assign(replay, { headers: req.headers, method: req.method, url: req.url, socket: req.socket,
    connection: req.connection, httpVersion: req.httpVersion })
  dynaliteHandler(replay, res)
  replay.end(Buffer.concat(chunks))
}

/** Written whole, flushed and renamed into place. */
function keep (file, value) {
  const partial = file + '.partial'
  const fd = fs.openSync(partial, 'w')
  try {
    fs.writeSync(fd, JSON.stringify(value))
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(partial, file)
}

function answer (res, status, body) {
  const json = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(json), 'x-amzn-RequestId': 'dynalite-ttl' })
  res.end(json)
}

/** --service, --host=, --port=, --path=; anything else stops it with a line saying what it takes. */
function parseArguments (args) {
  const parsed = { service: false, host: '127.0.0.1', port: 0, path: undefined }
  for (const arg of args) {
    const [name, value] = arg.split(/=(.*)/s)
    if (name === '--service' && value === undefined) parsed.service = true
    else if (name === '--host' && value) parsed.host = value
    else if (name === '--port' && /^[0-9]{1,5}$/.test(value || '') && Number(value) <= 65535) parsed.port = Number(value)
    else if (name === '--path' && value) parsed.path = value
    else {
      console.error('server.js: unknown or empty argument ' + JSON.stringify(arg)
        + ' (takes --service, --host=ADDRESS, --port=N, --path=DIRECTORY)')
      process.exit(2)
    }
  }
  return parsed
}

server.listen(options.port, options.host, () => console.log('listening ' + server.address().port))
if (options.service) {
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)))
} else {
  process.stdin.on('end', () => process.exit(0))
  process.stdin.on('close', () => process.exit(0))
  process.stdin.resume()
}
