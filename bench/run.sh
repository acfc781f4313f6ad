#!/usr/bin/env bash
# npm run bench [-- PART [ARGS...]]: compiles bench/ (with src/ and tests/helpers/mocks.ts) to
# bench/.build, then runs every part in order, or only PART with ARGS. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=bench/.build

# The parts, in order: name → compiled entry point. Later parts are added here.
declare -A PARTS=([program-cost]=bench/program-cost.js [real-engine]=bench/real-engine.js [latency]=bench/latency.js)
ORDER=(program-cost)

rm -rf "$BUILD/src" "$BUILD/bench" "$BUILD/tests"
npx tsc -p bench/tsconfig.json
mkdir -p "$BUILD/tests/helpers"
cp -r tests/helpers/fixtures "$BUILD/tests/helpers/"   # read by fixtureKubeconfig() beside mocks.js
# tests/helpers/e2e.ts, compiled to $BUILD/tests/helpers/, takes $BUILD for the repository (two levels
# up): give it an e2e/env.sh there that runs the real one (which then finds this checkout's .e2e/).
mkdir -p "$BUILD/e2e"
printf '#!/usr/bin/env bash\n# written by bench/run.sh: the compiled tests/helpers/e2e.js looks for e2e/env.sh here\nexec bash "%s/e2e/env.sh" "$@"\n' "$PWD" >"$BUILD/e2e/env.sh"

if [[ $# -gt 0 ]]; then
    part=$1; shift
    [[ -n "${PARTS[$part]:-}" ]] || { echo "unknown part '$part' (parts: ${!PARTS[*]})" >&2; exit 2; }
    if [[ $part == real-engine || $part == latency ]]; then
        # Their Pulumi program imports the package from bin/ (the repository's own build).
        echo "== npm run build (the program of part $part imports bin/)" >&2
        npm run --silent build
    fi
    exec node "$BUILD/${PARTS[$part]}" "$@"
fi
for part in "${ORDER[@]}"; do
    echo "== bench part: $part" >&2
    node "$BUILD/${PARTS[$part]}"
done
