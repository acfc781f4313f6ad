#!/usr/bin/env bash
# A program that depends on a newer @pulumi/kubernetes than the tested one, and installs the packed
# package, must end with ONE copy of @pulumi/kubernetes: with two, the member providers that the
# component creates run another plugin version than the program's. package.json takes a range for
# this reason (README, "Dependencies").
#
#   bash scripts/check-single-copy.sh [kubernetes-version] [pulumi-version]   (default 4.34.2 3.248.0)
#
# Packs the package (`npm pack`, which builds bin/ first), installs the tarball into a temporary
# program next to those versions, and asserts that `npm ls @pulumi/kubernetes --all --parseable`
# lists exactly one path. Needs the npm registry. Ends with "N passed, N failed".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
K8S_VERSION=${1:-4.34.2}
PULUMI_VERSION=${2:-3.248.0}

work=$(mktemp -d "${TMPDIR:-/tmp}/kubefed-single-copy.XXXXXX")
trap 'rm -rf "$work"' EXIT

tarball=$(cd "$ROOT" && npm pack --silent --pack-destination "$work" | tail -n 1)
mkdir "$work/program"
cat >"$work/program/package.json" <<EOF
{
  "name": "kubefed-single-copy-check",
  "private": true,
  "dependencies": {
    "@pulumi/kubernetes": "$K8S_VERSION",
    "@pulumi/pulumi": "$PULUMI_VERSION"
  }
}
EOF
cd "$work/program"
# --ignore-scripts: @pulumi/kubernetes' install script downloads its plugin, which nothing here needs.
npm install --no-audit --no-fund --ignore-scripts "$work/$tarball" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; echo "0 passed, 1 failed"; exit 1; }

echo "installed $tarball next to @pulumi/kubernetes@$K8S_VERSION and @pulumi/pulumi@$PULUMI_VERSION:"
npm ls @pulumi/kubernetes --all | sed 's/^/  /' || true
copies=$(npm ls @pulumi/kubernetes --all --parseable 2>/dev/null | sed "s|^$work/program/||" | grep -v "^$work/program$" || true)
count=$(printf '%s' "$copies" | grep -c . || true)
version=$(node -p 'require("@pulumi/kubernetes/package.json").version')
if [ "$count" -eq 1 ] && [ "$version" = "$K8S_VERSION" ]; then
  echo "PASS: one copy of @pulumi/kubernetes ($copies, $version)"
  echo "1 passed, 0 failed"
else
  echo "FAIL: $count copies of @pulumi/kubernetes (the program's is $version):"
  printf '%s\n' "$copies" | sed 's/^/  /'
  echo "0 passed, 1 failed"
  exit 1
fi
