#!/usr/bin/env bash
# The e2e Node of `npm run test:windows`: Windows Node 24 under Wine, started by the runner
# harness (scripts/action-runner.mjs) with E2E_NODE pointing here. The harness gives every step a
# clean environment, so what Wine needs is set here; scripts/test-windows.mjs prepares the
# prefix and node.exe, and keeps one wineserver running for the whole pass.
#
# bash, and Wine's loader run directly: the runner passes inputs as INPUT_<NAME> with their
# dashes (INPUT_SERVICE-NAME), and a POSIX sh (dash) drops variables whose names are not shell
# identifiers from what it passes on, as does Debian's /usr/bin/wine, a sh script.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/node_modules/.cache/wine-node"
export WINEPREFIX="$here/prefix"
# Wine's own diagnostics would land in the step's stderr, which tests read.
export WINEDEBUG=-all
# Wine turns the Unix environment and arguments into Windows (UTF-16) text with the Unix
# locale's code page: without a UTF-8 locale, non-ASCII inputs reach Node as '?'.
export LANG=C.UTF-8
loader=/usr/lib/wine/wine64
if [ ! -x "$loader" ]; then loader="$(command -v wine64 || command -v wine)"; fi
export WINELOADER="$loader"
exec "$loader" "$here/node.exe" "$@"
