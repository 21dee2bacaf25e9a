#!/usr/bin/env bash
# What the bot does in Aircall itself and with links to calls, measured on demand (not part of the tests), on
# loopback: the bot in Release (SQLite, its outbox running as deployed) against the load test's server playing Aircall
# and Slack's Web API. Prints, for COUNT calls
# answered one after another on NUMBERS numbers whose recording is off, the time from the call.answered webhook to the
# Insight Card reaching Aircall, and the Aircall requests per warned call (the first call of a number reads it; the
# rest find it cached); then, for links to calls shared in Slack, the time from link_shared to chat.unfurl and the
# Aircall requests per unfurl. Aircall__RequestsPerMinute is RPM (6,000 by default: the latency of the bot, not of the
# rate limit; at the usual 60/min a burst of answered calls waits for its permits like every request).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${COUNT:-300}"; NUMBERS="${NUMBERS:-5}"
bot_port=5090; serve_port=5092
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release -v q src/ChatTroubleshooter >/dev/null
dotnet build -c Release -v q tests/load/ChatTroubleshooter.LoadTest >/dev/null
tool="tests/load/ChatTroubleshooter.LoadTest/bin/Release/net10.0/ChatTroubleshooter.LoadTest.dll"
bot_dll="$PWD/src/ChatTroubleshooter/bin/Release/net10.0/ChatTroubleshooter.dll"
wait_up() { for _ in $(seq 1 200); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }

dotnet "$tool" serve --urls "http://127.0.0.1:$serve_port" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$serve_port/keys"
env ASPNETCORE_URLS="http://127.0.0.1:$bot_port" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  Slack__SigningSecret=load-test-secret Slack__BotToken=xoxb-load Slack__ApiBaseUrl="http://127.0.0.1:$serve_port/api/" \
  State__SqlitePath="$work/state.db" \
  Aircall__BaseUrl="http://127.0.0.1:$serve_port/aircall/v1/" Aircall__ApiId=load Aircall__ApiToken=load \
  Aircall__WebhookTokens__0=load-test-token Aircall__RequestsPerMinute="${RPM:-6000}" \
  dotnet "$bot_dll" --contentRoot "$(dirname "$bot_dll")" >"$work/bot.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$bot_port/readyz"

echo "== in-call warnings: call.answered → Insight Card ($COUNT calls, $NUMBERS numbers)"
dotnet "$tool" incall --bot "http://127.0.0.1:$bot_port" --serve "http://127.0.0.1:$serve_port" --webhook load-test-token \
  --count "$COUNT" --numbers "$NUMBERS" | sed 's/^/   /'

echo "== link unfurls: link_shared → chat.unfurl (300 links to 10 calls, one at a time)"
dotnet "$tool" unfurl --bot "http://127.0.0.1:$bot_port" --serve "http://127.0.0.1:$serve_port" --secret load-test-secret \
  --count 300 --calls 10 | sed 's/^/   /'
