#!/usr/bin/env bash
# The README's two commands, for a machine that may have no Node or npm yet:
#   ./brokkr.sh start   installs what the server needs, then `npm start` (scripts/start.sh)
#   ./brokkr.sh test    installs what the tests need, then `npm test` (scripts/test.sh); .ci/run
# scripts/setup.sh installs Debian's nodejs + npm with apt-get when npm is missing (sudo -n when
# not root), and `npm ci` then brings the pinned Node 24 (docs/adr/0001-node-24-from-npm.md).
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
  start) mode=main ;;
  test) mode=test ;;
  *)
    echo "usage: ./brokkr.sh start|test   (start: run the server on :3000; test: the whole test suite)" >&2
    exit 2
    ;;
esac
if (($# > 1)); then
  echo "brokkr.sh: '$1' takes no arguments (got: ${*:2})" >&2
  exit 2
fi
bash scripts/setup.sh "$mode"
exec npm "$1"
