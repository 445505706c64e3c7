-- NDJSON batches of 1,000 Transactions per request.
dofile("bench/wrk/common.lua")

request = function()
  local sent = now_micros()
  local lines = {}
  for i = 1, 1000 do
    lines[i] = next_event(sent)
  end
  return wrk.format("POST", "/api/v1/events?ruleset=" .. ruleset,
    {["Content-Type"] = "application/x-ndjson", ["Authorization"] = "Bearer " .. token}, table.concat(lines, "\n"))
end

done = function(summary, latency, requests)
  report("ndjson", summary)
end
