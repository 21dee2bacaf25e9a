#!/usr/bin/env bash
# Regenerates cards/previews/*.png: the cards of a real conversation over the demo calls, rendered by
# Microsoft's adaptivecards renderer (Teams light host config) in headless Chromium. Needs Debian's
# "chromium" package (installed here when missing and run as root) and node.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else echo "preview.sh: please install Debian's chromium package" >&2; exit 1; fi
fi
[ -d tests/card-check/check/node_modules ] || (cd tests/card-check/check && npm ci --no-audit --no-fund --loglevel=error)

samples="$(mktemp -d)"
trap 'rm -rf "$samples"' EXIT
dotnet run --project src/ChatTroubleshooter -- cards --out "$samples" --lang "${1:-en}"

mkdir -p cards/previews
for name in question question-answered diagnosis escalated help; do
  node tests/card-check/check/render-check.js --screenshot "cards/previews/teams-$name.png" "$samples/teams-$name.json"
done
cp "$samples"/slack-*.json cards/previews/
echo "Previews written to cards/previews/."
