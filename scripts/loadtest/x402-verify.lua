-- wrk scenario: POST verify requests of SDK-made x402 payloads to a facilitator.
-- Usage: wrk -t1 -c64 -d20s --latency -s x402-verify.lua http://127.0.0.1:PORT -- BODIES_FILE PATH [API_KEY]
-- BODIES_FILE has one facilitator request body per line (written by x402-reference.cjs prepare).
-- Each request picks a body at random. At the end one line "RESULT {json}" gives requests, req/s,
-- latency percentiles, the answers by status code and how many said isValid:true.

local requests = {}
counts = {}
valid = 0
threads = {}

function setup(thread)
  thread:set("seed", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  if args[3] and args[3] ~= "" then headers["Authorization"] = "Bearer " .. args[3] end
  for line in io.lines(args[1]) do
    if #line > 0 then requests[#requests + 1] = wrk.format("POST", args[2], headers, line) end
  end
  if #requests == 0 then error("no bodies in " .. tostring(args[1])) end
  math.randomseed(os.time() * 31 + seed)
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 200 and body:find('"isValid":true', 1, true) then valid = valid + 1 end
end

function done(summary, latency, requests)
  local byStatus = {}
  local validTotal = 0
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do byStatus[tostring(k)] = (byStatus[tostring(k)] or 0) + v end
    validTotal = validTotal + t:get("valid")
  end
  local parts = {}
  for k, v in pairs(byStatus) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50ms":%.3f,"p90ms":%.3f,"p99ms":%.3f,"p999ms":%.3f,"maxms":%.3f,' ..
    '"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"byStatus":{%s},"valid":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, table.concat(parts, ","), validTotal))
end
