-- wrk script: POST AdmissionReview bodies to /validate, as the apiserver does.
-- BENCH_BODY names the body file, or BENCH_BODIES several separated by ':' that
-- requests rotate over (a real mix, not one body the server could keep warm);
-- BENCH_CLOSE=1 asks for a new connection per request; BENCH_DELAY_MS paces each
-- connection (wrk has no rate option).
local function read(path)
  local file = assert(io.open(path, "rb"))
  local body = file:read("*a")
  file:close()
  return body
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("BENCH_CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

local bodies = os.getenv("BENCH_BODIES")
if bodies and bodies ~= "" then
  local requests, next_request = {}, 0
  function init(args)
    for path in string.gmatch(bodies, "[^:]+") do
      table.insert(requests, wrk.format(nil, nil, nil, read(path)))
    end
  end
  function request()
    next_request = next_request % #requests + 1
    return requests[next_request]
  end
else
  wrk.body = read(assert(os.getenv("BENCH_BODY"), "BENCH_BODY or BENCH_BODIES must be set"))
end

local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

-- One machine-readable line with exact percentiles, for bench/load to parse.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
