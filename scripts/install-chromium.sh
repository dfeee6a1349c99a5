#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the report site test
# (tests/test_reports_site.py), if it is not there yet. Idempotent; needs root (or sudo)
# and the Debian package mirror the first time only.
#
#   scripts/install-chromium.sh          # prints the browser's path
set -euo pipefail

find_chromium() {
  local candidate
  for candidate in "${SALESPULSE_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi

sudo=""
if [[ "$(id -u)" != 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# fonts-liberation: readable text in screenshots (chromium pulls a minimal font set only).
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
path="$(find_chromium)" || { echo "install-chromium: chromium not found after install" >&2; exit 1; }
echo "$path"
