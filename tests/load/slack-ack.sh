#!/usr/bin/env bash
# Benchmark (run on demand, not part of the tests): ack latency and throughput of signed /norecording slash
# commands. Starts the bot in Release on loopback (demo Aircall data, response_urls that are never called),
# drives it at full speed and at 1,000 requests/s, prints the figures and the bot's peak memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
port="${PORT:-5080}"
secret="load-test-secret"

dotnet build -c Release -v q src/ChatTroubleshooter >/dev/null
dotnet build -c Release -v q tests/load/ChatTroubleshooter.LoadTest >/dev/null
ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
Slack__SigningSecret="$secret" Aircall__Demo=true Logging__LogLevel__Default=Error \
  dotnet src/ChatTroubleshooter/bin/Release/net10.0/ChatTroubleshooter.dll >/tmp/slack-ack-bot.log 2>&1 &
bot=$!
trap 'kill $bot 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

run() { dotnet tests/load/ChatTroubleshooter.LoadTest/bin/Release/net10.0/ChatTroubleshooter.LoadTest.dll --url "http://127.0.0.1:$port" --secret "$secret" "$@"; }
echo "== saturation"; run --seconds "${SECONDS_AT_MAX:-10}" --concurrency 64
echo "== 1,000 requests/s"; run --seconds "${SECONDS_AT_RATE:-10}" --concurrency 64 --rate 1000
echo "== bot peak memory: $(grep VmHWM /proc/$bot/status | awk '{print $2/1024 " MB"}')"
