#!/usr/bin/env bash
# The main job (README quick start: `./brokkr.sh start`, or `npm start`): set up what it needs
# (setup.sh main), build the web UI when it is missing or older than its sources, and run the
# Brokkr server on http://localhost:3000.
# Environment: PORT, HOST, BROKKR_DATA_DIR, DATABASE_URL, BROKKR_BUILD_CONCURRENCY (see web/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh main
export PATH="$PWD/node_modules/.bin:$PATH"

# The UI bundles web/ and the composer's spec and catalog code: rebuild when any is newer.
stamp=web/.next/BUILD_ID
ui_reason=""
if [[ ! -f $stamp ]]; then
  ui_reason="web/.next is missing"
else
  newer=$(find web/app web/components web/lib web/public web/next.config.ts web/tsconfig.json web/package.json \
    composer/src package-lock.json -newer "$stamp" -type f -not -name '*.test.ts' -print -quit 2>/dev/null || true)
  [[ -z $newer ]] || ui_reason="$newer is newer than the last UI build"
fi
if [[ -n $ui_reason ]]; then
  if [[ ! -x node_modules/.bin/next ]]; then
    echo "start: next is not installed ($ui_reason); serving the API only" >&2
  else
    echo "start: building the web UI: $ui_reason"
    next build web
  fi
else
  echo "start: web UI is up to date"
fi

echo "start: Brokkr server on http://localhost:${PORT:-3000} (Ctrl-C stops it)"
exec node web/server/main.ts
