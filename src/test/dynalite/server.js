// The DynamoDB-compatible server of the DynamoDB store tests: dynalite, in memory, on a port the
// OS picks (printed as "listening <port>" on stdout for the Java side to read). It stops when its
// standard input closes, so a test JVM that dies does not leave it behind.
//
// dynalite 4 has no UpdateTimeToLive: this wrapper records the TTL setting per table and answers
// UpdateTimeToLive and DescribeTimeToLive with it. Like DynamoDB's own TTL, which deletes expired
// items hours late, it never deletes anything: the store must ignore expired items by itself,
// which is what the tests check.
'use strict'
const dynalite = require('dynalite')

const TARGET_PREFIX = 'DynamoDB_20120810.'
const ttl = new Map()
const server = dynalite({ createTableMs: 20, deleteTableMs: 20, updateTableMs: 20 })
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

function answer (res, status, body) {
  const json = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(json), 'x-amzn-RequestId': 'dynalite-ttl' })
  res.end(json)
}

server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port))
process.stdin.on('end', () => process.exit(0))
process.stdin.on('close', () => process.exit(0))
process.stdin.resume()
