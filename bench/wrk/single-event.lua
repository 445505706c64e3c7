-- One Transaction per request; ids, times and accounts vary so the rule has work to do.
-- Run with: wrk ... -s single-event.lua, with TOKEN in the environment.
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

local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

accepted = 0
response = function(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  end
end

done = function(summary, latency, requests)
  local ok = 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("accepted")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("%s: %.0f requests/s, %.0f accepted (202) requests/s, %d refused\n",
    "single-event", summary.requests / seconds, ok / seconds, summary.requests - ok))
end
