-- wrk script: each thread replays its own file of pre-signed, distinct requests
-- (bench/lib/signed-requests.js), and done() prints one machine-readable result line.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("shard", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local n = 0
local i = 0

function init(args)
  local file = args[1] .. "." .. shard .. ".tsv"
  for line in io.lines(file) do
    local path, ts, sig, ctype, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if path then
      n = n + 1
      requests[n] = wrk.format("POST", path, {
        ["Content-Type"] = ctype,
        ["X-Slack-Request-Timestamp"] = ts,
        ["X-Slack-Signature"] = sig,
      }, body)
    end
  end
end

function request()
  i = i + 1
  if i > n then
    i = 1
    wrapped = (wrapped or 0) + 1
  end
  return requests[i]
end

function done(summary, latency, requests)
  local wraps = 0
  for _, t in ipairs(threads) do
    wraps = wraps + (t:get("wrapped") or 0)
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d reused=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, errors, wraps))
end
