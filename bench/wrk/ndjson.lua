-- NDJSON batches of 1,000 Transactions per request.
dofile("bench/wrk/common.lua")
local token = os.getenv("TOKEN")
local batch = 0
-- A day after the single-event script's events, so that these are not late when both run against one server.
local base = 1795132800000 + 86400000

request = function()
  batch = batch + 1
  local lines = {}
  for i = 1, 1000 do
    local n = batch * 1000 + i
    lines[i] = string.format('{"type":"Transaction","id":"b%d-%d","time":%d,"accountId":"acc-%d","amount":%d.5}',
      n, math.random(1, 1000000000), base + n * 2, math.random(0, 9999), n % 1000)
  end
  return wrk.format("POST", "/api/v1/events?ruleset=bench",
    {["Content-Type"] = "application/x-ndjson", ["Authorization"] = "Bearer " .. token}, table.concat(lines, "\n"))
end

done = function(summary, latency, requests)
  report("ndjson", summary)
end
