-- Shared by the wrk scripts. Events are Transactions 2 ms apart in event time from BASE (epoch
-- milliseconds, from the environment), on ACCOUNTS accounts at random, as in the replay
-- benchmark. Each event's id carries the wall-clock microsecond it was sent at and its event time
-- ("e<sent>-<time>"), so that whoever reads the alerts can tell which event an alert's firing
-- came with (the one whose time is the alert's) and how long after it was sent the alert arrived.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } vigil_timespec;
  int clock_gettime(int clock_id, vigil_timespec *tp);
]]
local timespec = ffi.new("vigil_timespec")

function now_micros()
  ffi.C.clock_gettime(0, timespec) -- CLOCK_REALTIME
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

token = os.getenv("TOKEN")
ruleset = os.getenv("RULESET") or "bench"
local base = tonumber(os.getenv("BASE") or "1795132800000")
local accounts = tonumber(os.getenv("ACCOUNTS") or "10000")
local sequence = 0

-- One event as a line of JSON, the next in event time.
function next_event(sent)
  sequence = sequence + 1
  local time = base + sequence * 2
  return string.format('{"type":"Transaction","id":"e%.0f-%.0f","time":%.0f,"accountId":"acc-%d","amount":%d.5}',
    sent, time, time, math.random(0, accounts - 1), sequence % 1000)
end

-- Counts the requests the server accepted (202).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

accepted = 0
local refused = false
function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  elseif status == 429 then
    refused = true
  end
end

-- After a 429 the connection waits 20 ms before its next request, as a client honouring
-- Retry-After would, rather than hammering a server whose rules are catching up.
function delay()
  if refused then
    refused = false
    return 20
  end
  return 0
end

function report(label, summary)
  local ok = 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("accepted")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("%s: %.0f requests/s, %.0f accepted (202) requests/s, %d refused\n",
    label, summary.requests / seconds, ok / seconds, summary.requests - ok))
end
