-- wrk scenario: browsers polling GET /v1/checkouts/{id}/status of many open checkouts.
-- Usage: wrk -t1 -c64 -d20s --latency -s poll-status.lua http://127.0.0.1:PORT -- CHECKOUTS_FILE
-- CHECKOUTS_FILE has one "id clientSecret" per line (written by PollBench). Each request picks a
-- checkout at random and sends its secret and the X-Forwarded-For address of that checkout's buyer
-- (198.18.0.0/15, the range RFC 2544 sets aside for benchmarks; it is only a header value here:
-- every packet goes to 127.0.0.1). wrk ends by itself after -d. At the end one line
-- "RESULT {json}" gives requests, req/s, latency percentiles and the answers by status code.

local requests = {}
counts = {}

threads = {}

function setup(thread)
  thread:set("seed", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = args[1]
  local i = 0
  for line in io.lines(file) do
    local id, secret = line:match("^(%S+)%s+(%S+)$")
    if id then
      local addr = string.format("198.18.%d.%d", math.floor(i / 250) % 250, i % 250 + 1)
      requests[#requests + 1] = wrk.format("GET", "/v1/checkouts/" .. id .. "/status",
        { ["X-Client-Secret"] = secret, ["X-Forwarded-For"] = addr })
      i = i + 1
    end
  end
  if #requests == 0 then error("no checkouts in " .. tostring(file)) end
  math.randomseed(os.time() * 31 + seed)
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local byStatus = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do byStatus[tostring(k)] = (byStatus[tostring(k)] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(byStatus) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50ms":%.3f,"p90ms":%.3f,"p99ms":%.3f,"p999ms":%.3f,"maxms":%.3f,' ..
    '"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"byStatus":{%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, table.concat(parts, ",")))
end
