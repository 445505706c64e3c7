-- Shared by the wrk scripts: counts the requests the server accepted (202) across threads.
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
