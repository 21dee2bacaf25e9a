#!/usr/bin/env bash
# Paired A/B of the ack path (run on demand, not part of the tests): two revisions of the bot, built side by side,
# measured in alternation on this machine so that its drift (±15 % between runs here) falls on both alike. Each round
# runs A then B (then B then A in the next round) for SECONDS_PER_RUN at CONNECTIONS after a warm-up, on a fresh
# process and database, once with the outbox work off (signature check and durable write only: what Slack waits
# for) and once with it running. Prints every run and the medians per side.
#   tests/load/ab-test.sh <revision A> [revision B, default: the work tree]
# MODES="false" or "true" runs only the outbox-off or outbox-running half; ROUNDS, SECONDS_PER_RUN, CONNECTIONS too.
set -euo pipefail
cd "$(dirname "$0")/../.."
a_rev="${1:?usage: ab-test.sh <revision A> [revision B]}"; b_rev="${2:-}"
ROUNDS="${ROUNDS:-4}"; MODES="${MODES:-false true}"; SECONDS_PER_RUN="${SECONDS_PER_RUN:-8}"; WARMUP_SECONDS="${WARMUP_SECONDS:-4}"; CONNECTIONS="${CONNECTIONS:-128}"
secret="load-test-secret"; port=5090
work="$(mktemp -d)"; bot=""
cleanup() { [ -n "$bot" ] && kill "$bot" 2>/dev/null; git worktree remove --force "$work/a" 2>/dev/null || true; git worktree remove --force "$work/b" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; }

build() { # $1 = side, $2 = revision ("" = the work tree)
  local dir="$PWD"
  if [ -n "$2" ]; then git worktree add -q --detach "$work/$1" "$2"; dir="$work/$1"; fi
  dotnet build -c Release -v q "$dir/src/ChatTroubleshooter" -o "$work/bin-$1" >/dev/null
}
build a "$a_rev"; build b "$b_rev"
dotnet build -c Release -v q tests/load/ChatTroubleshooter.LoadTest >/dev/null
tool="tests/load/ChatTroubleshooter.LoadTest/bin/Release/net10.0/ChatTroubleshooter.LoadTest.dll"

run() { # $1 = side, $2 = outbox enabled; prints requests/s
  local n=$((RANDOM)) out
  env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Error \
    Slack__SigningSecret="$secret" Aircall__Demo=true State__SqlitePath="$work/$1-$n.db" Outbox__Enabled="$2" \
    dotnet "$work/bin-$1/ChatTroubleshooter.dll" --contentRoot "$work/bin-$1" >"$work/bot.log" 2>&1 &
  bot=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  dotnet "$tool" sign --secret "$secret" --count 50000 --out "$work/signed.txt"
  wrk -t2 -c64 -d"${WARMUP_SECONDS}s" -s tests/load/slack.lua "http://127.0.0.1:$port" -- "$work/signed.txt" >/dev/null
  out="$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s tests/load/slack.lua "http://127.0.0.1:$port" -- "$work/signed.txt")"
  kill "$bot"; wait "$bot" 2>/dev/null || true; bot=""
  awk '/Requests\/sec/ {printf "%.0f", $2} $1 == "99%" {p99 = $2} /Non-2xx/ {bad = $NF} END {printf " req/s, p99 %s%s\n", p99, bad ? "  NOT 2xx: " bad : ""}' <<<"$out"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

for outbox in $MODES; do
  echo "== outbox work $([ "$outbox" = true ] && echo running || echo off), $CONNECTIONS connections, ${SECONDS_PER_RUN} s per run"
  : >"$work/a.txt"; : >"$work/b.txt"
  for round in $(seq 1 "$ROUNDS"); do
    order="a b"; [ $((round % 2)) = 0 ] && order="b a"
    for side in $order; do
      result="$(run "$side" "$outbox")"
      echo "   round $round $side ($([ "$side" = a ] && echo "$a_rev" || echo "${b_rev:-work tree}")): $result"
      echo "${result%% *}" >>"$work/$side.txt"
    done
  done
  a_median="$(median <"$work/a.txt")"; b_median="$(median <"$work/b.txt")"
  echo "   medians: A $a_median req/s, B $b_median req/s, B/A $(awk -v a="$a_median" -v b="$b_median" 'BEGIN {printf "%.1f %%", 100 * b / a}')"
done
