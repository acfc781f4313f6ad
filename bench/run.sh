#!/usr/bin/env bash
# npm run bench [-- PART [ARGS...]]: compiles bench/ (with src/ and tests/helpers/mocks.ts) to
# bench/.build, then runs every part in order, or only PART with ARGS. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=bench/.build

# The parts, in order: name → compiled entry point. Later parts are added here.
declare -A PARTS=([program-cost]=bench/program-cost.js [real-engine]=bench/real-engine.js)
ORDER=(program-cost)

rm -rf "$BUILD/src" "$BUILD/bench" "$BUILD/tests"
npx tsc -p bench/tsconfig.json
mkdir -p "$BUILD/tests/helpers"
cp -r tests/helpers/fixtures "$BUILD/tests/helpers/"   # read by fixtureKubeconfig() beside mocks.js

if [[ $# -gt 0 ]]; then
    part=$1; shift
    [[ -n "${PARTS[$part]:-}" ]] || { echo "unknown part '$part' (parts: ${ORDER[*]})" >&2; exit 2; }
    exec node "$BUILD/${PARTS[$part]}" "$@"
fi
for part in "${ORDER[@]}"; do
    echo "== bench part: $part" >&2
    node "$BUILD/${PARTS[$part]}"
done
