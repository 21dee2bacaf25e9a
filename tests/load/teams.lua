-- wrk script: Bot Framework message activities with a really signed test JWT (args: token, serviceUrl); every
-- activity has its own id and conversation, so none is deduplicated.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  token = args[1]
  service = args[2]
  i = (tid or 1) * 100000000
end

function request()
  i = i + 1
  local body = string.format('{"type":"message","id":"a%d","channelId":"msteams","serviceUrl":"%s",'
    .. '"from":{"id":"29:u%d"},"recipient":{"id":"28:bot"},"conversation":{"id":"c%d","conversationType":"personal"},'
    .. '"locale":"en-US","text":"1000004"}', i, service, i % 500, i)
  return wrk.format("POST", "/api/messages", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
