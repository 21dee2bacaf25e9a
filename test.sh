#!/usr/bin/env bash
# Runs every test of ChatTroubleshooter. Installs what the tests need when it is missing, so a fresh
# machine with the .NET 10 SDK needs nothing else. CI runs this same script through .ci/run.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download" >&2
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Normal verbosity shows what tests report (e.g. question counts); the long list of passed tests is left out.
dotnet test ChatTroubleshooter.sln --configuration Release --logger "console;verbosity=normal" 2>&1 \
  | tee "$log" | grep -v '^  Passed '
status=${PIPESTATUS[0]}

# One closing line for any reader: "N passed, N failed, N skipped".
awk '/^[[:space:]]+Passed: [0-9]+$/  { p += $2 }
     /^[[:space:]]+Failed: [0-9]+$/  { f += $2 }
     /^[[:space:]]+Skipped: [0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
