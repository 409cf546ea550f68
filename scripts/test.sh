#!/usr/bin/env bash
# The one test command (README quick start: `./brokkr.sh test`, or `npm test`; .ci/run): sets
# the machine up for the tests (setup.sh test), then typecheck, lint, schema drift, the
# install-script review, unit tests and the end-to-end tests (real mirror, real QEMU, real
# PostgreSQL, real Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export PATH="$PWD/node_modules/.bin:$PATH"
echo "== node $(node --version)"
echo "== typecheck"; tsc -p tsconfig.json; tsc -p web/tsconfig.json --noEmit
echo "== lint"; biome lint composer scripts web
echo "== schemas"; node composer/src/spec/write-schemas.ts --check
echo "== install scripts"; node scripts/check-install-scripts.ts
echo "== import cycles"; node scripts/import-cycles.ts
echo "== tests"
node --test --test-concurrency=2 --test-timeout=3600000 \
  "composer/src/**/*.test.ts" "composer/e2e/**/*.test.ts" "scripts/**/*.test.ts" \
  "web/lib/**/*.test.ts" "web/server/**/*.test.ts" "web/e2e/**/*.test.ts"
