#!/usr/bin/env bash
# Build the Evidence report site offline: npm ci (only when node_modules is missing),
# `npm run sources` (source queries -> parquet), `npm run build:strict` (static site in
# reports/build/). Needs the npm registry for the install only.
#
#   reports/scripts/build-site.sh [PUBLISHED_FILE]
#
# PUBLISHED_FILE (or $SALESPULSE_PUBLISHED) is the DuckDB file to read; default: the
# connection.yaml's <repo>/published/salespulse.duckdb. It must be in DuckDB storage v1.4.0,
# which is how the pipeline publishes it. The site always lands in reports/build/ (Evidence
# copies it there whatever EVIDENCE_BUILD_DIR says).
set -euo pipefail
cd "$(dirname "$0")/.."
export SEND_ANONYMOUS_USAGE_STATS=no

published="${1:-${SALESPULSE_PUBLISHED:-}}"
if [[ -n "$published" ]]; then
  if [[ ! -f "$published" ]]; then
    echo "build-site: no published file at $published" >&2
    exit 1
  fi
  # Evidence joins `filename` onto the source directory, so pass a path relative to it.
  export EVIDENCE_SOURCE__salespulse__filename
  EVIDENCE_SOURCE__salespulse__filename="$(realpath --relative-to=sources/salespulse "$published")"
fi

step() { printf '[build-site] %s\n' "$*"; }
now() { date +%s; }

t0=$(now)
if [[ ! -d node_modules/@evidence-dev/evidence ]]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi
t1=$(now)
step "npm run sources"
npm run sources
t2=$(now)
step "npm run build:strict"
npm run build:strict
t3=$(now)
step "done: npm ci $((t1 - t0))s, sources $((t2 - t1))s, build $((t3 - t2))s -> reports/build/"
