#!/usr/bin/env bash
# npm run package: what a release of this version publishes, in dist/:
#
#   kubefed-iac-kubefed-<v>.tgz                          the npm package (npm pack: bin/, provider/, schema.json)
#   pulumi-resource-kubefed-v<v>-<os>-<arch>.tar.gz      the provider plugin, for
#                                                        `pulumi plugin install resource kubefed <v> --file <archive>`
#                                                        (Node: one archive, named for each platform a release serves)
#   pulumi_kubefed-<v>-py3-none-any.whl                  the Python SDK, generated from schema.json
#
# The plugin archive is the packed package with its production dependencies installed from the
# lock file (@pulumi/pulumi at the tested version) and a launcher at its root. The wheel needs a
# pulumi CLI (on PATH, else the one e2e/env.sh built) and pip.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=$ROOT/dist
version=$(node -p "require('$ROOT/package.json').version")
platforms=(linux-amd64 linux-arm64 darwin-amd64 darwin-arm64)

log() { printf '[package] %s\n' "$*" >&2; }

rm -rf "$DIST"
mkdir -p "$DIST"
work=$(mktemp -d "${TMPDIR:-/tmp}/kubefed-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

log "npm pack (builds bin/ first) -> $DIST"
tarball=$(cd "$ROOT" && npm pack --silent --pack-destination "$DIST" | tail -n 1)

log "plugin: the package with its production dependencies, from the lock file"
staging=$work/plugin
mkdir -p "$staging"
tar -xzf "$DIST/$tarball" -C "$staging" --strip-components=1
cp "$ROOT/package-lock.json" "$staging/"
# @pulumi/pulumi is a peer of the package: the plugin runs on the tested version, as a dependency.
node -e '
const fs = require("fs");
const file = process.argv[1];
const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
pkg.dependencies["@pulumi/pulumi"] = pkg.devDependencies["@pulumi/pulumi"];
delete pkg.peerDependencies;
delete pkg.scripts;
fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
' "$staging/package.json"
# --ignore-scripts: @pulumi/kubernetes' install script downloads its plugin; the engine installs that.
(cd "$staging" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >"$work/npm-install.log" 2>&1) \
  || { cat "$work/npm-install.log" >&2; exit 1; }
rm -f "$staging/package-lock.json"
cat >"$staging/pulumi-resource-kubefed" <<'EOF'
#!/bin/sh
# The kubefed provider plugin, as `pulumi plugin install` unpacks it: the compiled package beside it.
exec node "$(dirname "$0")/bin/provider.js" "$@"
EOF
chmod +x "$staging/pulumi-resource-kubefed"
first=$DIST/pulumi-resource-kubefed-v$version-${platforms[0]}.tar.gz
tar -czf "$first" -C "$staging" .
for platform in "${platforms[@]:1}"; do
  cp "$first" "$DIST/pulumi-resource-kubefed-v$version-$platform.tar.gz"
done
log "plugin archives: $(cd "$DIST" && ls pulumi-resource-kubefed-*.tar.gz | tr '\n' ' ')"

log "Python SDK: pulumi package gen-sdk, then pip wheel"
if ! command -v pulumi >/dev/null; then
  # The CLI the local environment built, when it has (e2e/env.sh up).
  eval "$(bash "$ROOT/e2e/env.sh" env)"
  command -v pulumi >/dev/null || { log "ERROR: no pulumi CLI on PATH, and e2e/env.sh up has not built one"; exit 1; }
fi
pulumi package gen-sdk "$ROOT/schema.json" --language python --version "$version" --out "$work/sdk" >"$work/gen-sdk.log" 2>&1 \
  || { cat "$work/gen-sdk.log" >&2; exit 1; }
python3 -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$DIST" "$work/sdk/python" >"$work/wheel.log" 2>&1 \
  || { cat "$work/wheel.log" >&2; exit 1; }

log "done: $DIST"
ls -1 "$DIST" | sed 's/^/  /' >&2
