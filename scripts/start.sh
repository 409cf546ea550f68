#!/usr/bin/env bash
# The main job (README quick start, `npm start`): set up, build the minimal example, boot it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
node composer/src/cli.ts build examples/minimal.yaml --out out/minimal
node composer/src/cli.ts boot-test out/minimal
