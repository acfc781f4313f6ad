#!/usr/bin/env bash
# Installs what `npm run package` made (dist/) the way users install it, for the end-to-end suite:
#
#   - the plugin archive, with `pulumi plugin install resource kubefed <v> --file ...`, into the
#     environment's PULUMI_HOME (the Python and YAML examples find it there, not in this checkout);
#   - the npm tarball, with `npm install`, into <state>/programs/node (the TypeScript programs'
#     node_modules), next to the tested @pulumi/pulumi and @pulumi/kubernetes;
#   - the wheel, with `pip install`, into the virtualenv <state>/programs/python-venv.
#
# Run after `e2e/env.sh up` and `npm run package`; `npm run test:e2e` does all three.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${KUBEFED_E2E_STATE:-$ROOT/.e2e}
PROGRAMS=$STATE/programs
DIST=$ROOT/dist
version=$(node -p "require('$ROOT/package.json').version")
lockVersion() { node -p "require('$ROOT/package-lock.json').packages['node_modules/$1'].version"; }

log() { printf '[programs %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

archive=$DIST/pulumi-resource-kubefed-v$version-linux-amd64.tar.gz
tarball=$DIST/kubefed-iac-kubefed-$version.tgz
wheel=$DIST/pulumi_kubefed-$version-py3-none-any.whl
for file in "$archive" "$tarball" "$wheel"; do
  [ -f "$file" ] || { log "ERROR: $file is missing: run npm run package first"; exit 1; }
done
eval "$(bash "$ROOT/e2e/env.sh" env)"

log "pulumi plugin install resource kubefed $version --file $(basename "$archive") (into $PULUMI_HOME)"
pulumi plugin rm resource kubefed "$version" --yes >/dev/null 2>&1 || true
pulumi plugin install resource kubefed "$version" --file "$archive" >/dev/null

log "npm install $(basename "$tarball") into $PROGRAMS/node"
rm -rf "$PROGRAMS/node"
mkdir -p "$PROGRAMS/node"
cat >"$PROGRAMS/node/package.json" <<EOF
{
  "name": "kubefed-e2e-programs",
  "private": true,
  "dependencies": {
    "@kubefed-iac/kubefed": "file:$tarball",
    "@pulumi/kubernetes": "$(lockVersion @pulumi/kubernetes)",
    "@pulumi/pulumi": "$(lockVersion @pulumi/pulumi)",
    "typescript": "$(lockVersion typescript)",
    "ts-node": "$(lockVersion ts-node)",
    "@types/node": "$(lockVersion @types/node)"
  }
}
EOF
# --ignore-scripts: @pulumi/kubernetes' install script downloads its plugin; the environment installed it.
(cd "$PROGRAMS/node" && npm install --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)

log "pip install $(basename "$wheel") into $PROGRAMS/python-venv"
[ -x "$PROGRAMS/python-venv/bin/python" ] || python3 -m venv "$PROGRAMS/python-venv"
"$PROGRAMS/python-venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
"$PROGRAMS/python-venv/bin/pip" install --quiet --disable-pip-version-check --find-links "$DIST" -r "$ROOT/examples/python/requirements.txt"
log "done: $PROGRAMS"
