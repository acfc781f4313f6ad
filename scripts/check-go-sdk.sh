#!/usr/bin/env bash
# The Go SDK that `pulumi package gen-sdk schema.json --language go` generates must build:
# generates it into a temporary module (github.com/kubefed-iac/pulumi-kubefed/sdk, the schema's
# importBasePath), resolves its dependencies through the Go module proxy (the Pulumi Go SDK of the
# engine tested here, pulumi-kubernetes' of the lock file for the Deployment types, then `go mod
# tidy` for the rest), then `go build ./...` and
# `go vet ./...`. Needs Go, and the pulumi CLI with a Go language host (e2e/env.sh up builds
# both, the host as a code-generation stand-in: e2e/README.md). Ends with "N passed, N failed".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=$(node -p "require('$ROOT/package.json').version")
# The Go SDKs of the versions tested here: the engine's, and the kubernetes provider's of the lock file.
pulumiSdk=github.com/pulumi/pulumi/sdk/v3@$(sed -n 's/^PULUMI_VERSION=//p' "$ROOT/e2e/build.sh" | head -n 1)
kubernetesSdk=github.com/pulumi/pulumi-kubernetes/sdk/v4@v$(node -p "require('$ROOT/package-lock.json').packages['node_modules/@pulumi/kubernetes'].version")
eval "$(bash "$ROOT/e2e/env.sh" env)"

work=$(mktemp -d "${TMPDIR:-/tmp}/kubefed-go-sdk.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "generating the Go SDK of schema.json (version $version) in $work/sdk"
pulumi package gen-sdk "$ROOT/schema.json" --language go --version "$version" --out "$work/sdk" >"$work/gen.log" 2>&1 \
  || { cat "$work/gen.log"; echo "0 passed, 1 failed"; exit 1; }
cd "$work/sdk"
cat >go.mod <<GOMOD
module github.com/kubefed-iac/pulumi-kubefed/sdk

go 1.22
GOMOD
status=0
for step in "go get $pulumiSdk $kubernetesSdk" "go mod tidy" "go build ./..." "go vet ./..."; do
  if $step >"$work/step.log" 2>&1; then
    echo "  ok: $step"
  else
    echo "  FAILED: $step"; sed 's/^/    /' "$work/step.log"; status=1; break
  fi
done
echo "packages: $(go list ./... 2>/dev/null | tr '\n' ' ')"
if [ $status -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $status
