#!/usr/bin/env bash
# Runs every test of ChatTroubleshooter. Installs what the tests need when it is missing, so a fresh
# machine with the .NET 10 SDK needs nothing else. CI runs this same script through .ci/run.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download" >&2
  exit 1
fi

# Root installs with apt-get when something is missing (CI machines start bare); others are told what to install.
apt_install() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing $* (apt-get)"
    if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null && APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "test.sh: please install: $*" >&2
  fi
}

# Microsoft's Adaptive Card renderer and templating library, for the card checks (tests/card-check).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
# Node tools the tests run: Microsoft's card renderer/templating, and Microsoft 365 Agents Playground (Teams e2e).
for tool in tests/card-check/check tests/teams-playground; do
  if command -v npm >/dev/null 2>&1 && [ ! -d "$tool/node_modules" ]; then
    echo "test.sh: npm ci in $tool"
    (cd "$tool" && npm ci --no-audit --no-fund --loglevel=error) || echo "test.sh: npm ci failed in $tool" >&2
  fi
done

# A Redis server for the state-store tests (Debian's redis-server), on its own port; stopped at the end if
# this script started it.
export CT_TEST_REDIS="${CT_TEST_REDIS:-127.0.0.1:6390}"
redis_port="${CT_TEST_REDIS##*:}"
started_redis=""
command -v redis-server >/dev/null 2>&1 || apt_install redis-server
if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -p "$redis_port" ping >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$(mktemp -d)" --daemonize yes \
    --pidfile "/tmp/ct-test-redis-$redis_port.pid" --logfile "/tmp/ct-test-redis-$redis_port.log" && started_redis=1
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
stop_redis() { [ -n "$started_redis" ] && redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; }

log="$(mktemp)"
trap 'rm -f "$log"; stop_redis' EXIT

# The code laid out as .editorconfig says: a change dotnet format would make is a failure. Only the layout is checked
# here (7 s): code style and analyzers at warning level fail the build itself (EnforceCodeStyleInBuild and
# TreatWarningsAsErrors in Directory.Build.props), which the full 'dotnet format' checked a second time (43 s).
format_status=0
if ! dotnet format whitespace ChatTroubleshooter.sln --verify-no-changes; then
  echo "test.sh: dotnet format would change the files above: run 'dotnet format ChatTroubleshooter.sln'" >&2
  format_status=1
fi

# Normal verbosity shows what tests report (e.g. question counts); the long list of passed tests is left out.
dotnet test ChatTroubleshooter.sln --configuration Release --logger "console;verbosity=normal" 2>&1 \
  | tee "$log" | grep -v '^  Passed '
status=${PIPESTATUS[0]}

# One closing line for any reader: "N passed, N failed, N skipped".
awk '/^[[:space:]]+Passed: [0-9]+$/  { p += $2 }
     /^[[:space:]]+Failed: [0-9]+$/  { f += $2 }
     /^[[:space:]]+Skipped: [0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
[ "$format_status" = 0 ] || echo "test.sh: formatting check failed (dotnet format --verify-no-changes)"
[ "$status" = 0 ] && exit "$format_status"
exit "$status"
