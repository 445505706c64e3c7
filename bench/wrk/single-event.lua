-- One Transaction per request; ids, times and accounts vary so the rule has work to do.
-- Run with: wrk ... -s single-event.lua, with TOKEN in the environment.
dofile("bench/wrk/common.lua")
local token = os.getenv("TOKEN")
local counter = 0
local base = 1795132800000

request = function()
  counter = counter + 1
  local body = string.format(
    '{"type":"Transaction","id":"s%d-%d","time":%d,"accountId":"acc-%d","amount":%d.5}',
    counter, math.random(1, 1000000000), base + counter * 2, counter % 10000, counter % 1000)
  return wrk.format("POST", "/api/v1/events?ruleset=bench",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

done = function(summary, latency, requests)
  report("single-event", summary)
end
