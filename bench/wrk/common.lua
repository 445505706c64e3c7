-- Shared by the wrk scripts: counts the requests the server accepted (202) across threads.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

accepted = 0
function response(status, headers, body)
  if status == 202 then
    accepted = accepted + 1
  end
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
