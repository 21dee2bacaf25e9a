-- wrk script: replays really signed /norecording slash commands made by `ChatTroubleshooter.LoadTest sign`
-- (one per line: timestamp TAB signature TAB form body). Each thread starts at its own place in the file.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", "/slack/commands", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Slack-Request-Timestamp"] = ts,
      ["X-Slack-Signature"] = sig,
    }, body)
  end
  i = (tid or 1) * 7919
end

function request()
  i = i + 1
  return requests[(i % #requests) + 1]
end
