-- One Transaction per request. Run with one wrk thread (-t1) so that event times rise across
-- all connections.
dofile("bench/wrk/common.lua")

request = function()
  return wrk.format("POST", "/api/v1/events?ruleset=" .. ruleset,
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, next_event(now_micros()))
end

done = function(summary, latency, requests)
  report("single-event", summary)
end
