#!/usr/bin/env bash
# Builds (from Go modules only) the binaries the local end-to-end environment
# needs, into ${KUBEFED_E2E_CACHE:-$HOME/.cache/kubefed-e2e}/bin.
#
#   e2e/build.sh                 build every missing/outdated binary
#   e2e/build.sh NAME...         only those (see --list)
#   e2e/build.sh --list          list targets and their state
#
# A binary is rebuilt only when its key changes: the key hashes the wrapper
# module (go.mod, go.sum, *.go), the ldflags, the package and `go version`,
# so bumping a version in e2e/modules/*/go.mod rebuilds just what it feeds.
# GOMODCACHE / GOCACHE stay at Go's defaults so they are reused across runs.
#
# Binaries already on PATH that really work (a real `pulumi`, `etcd`,
# `kube-apiserver`, `kube-controller-manager`) are linked into the bin dir
# instead of being built; set KUBEFED_E2E_USE_PATH=0 to always build.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MOD_DIR=$E2E_DIR/modules
CACHE=${KUBEFED_E2E_CACHE:-$HOME/.cache/kubefed-e2e}
BIN=$CACHE/bin
STAMPS=$CACHE/stamps
USE_PATH=${KUBEFED_E2E_USE_PATH:-1}
mkdir -p "$BIN" "$STAMPS"

# ---- versions (keep in step with e2e/modules/*/go.mod) ----------------------
K8S_VERSION=v1.37.2
PULUMI_VERSION=v3.274.1
PULUMI_K8S_VERSION=4.25.0

K8S_LDFLAGS="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  K8S_LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X $p.gitTreeState=clean"
done
PULUMI_LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
ETCD_LDFLAGS="-s -w"
KUBEFED_LDFLAGS="-s -w -X sigs.k8s.io/kubefed/pkg/version.version=v0.10.0 -X sigs.k8s.io/kubefed/pkg/version.gitTreeState=clean"
YAML_LDFLAGS="-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v1.25.0"
KWOK_LDFLAGS="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=v0.8.0"
HELM_LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=v3.18.6"
PK_LDFLAGS="-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_K8S_VERSION"

# name | wrapper module | package (relative "." = the wrapper's own main) | ldflags var
# Order = what the end-to-end tests need first.
TARGETS=(
  "etcd|etcd|.|ETCD_LDFLAGS"
  "kube-apiserver|kubernetes|k8s.io/kubernetes/cmd/kube-apiserver|K8S_LDFLAGS"
  "kube-controller-manager|kubernetes|k8s.io/kubernetes/cmd/kube-controller-manager|K8S_LDFLAGS"
  "kubectl|kubernetes|k8s.io/kubernetes/cmd/kubectl|K8S_LDFLAGS"
  "kube-scheduler|kubernetes|k8s.io/kubernetes/cmd/kube-scheduler|K8S_LDFLAGS"
  "kubefed-controller-manager|kubefed|sigs.k8s.io/kubefed/cmd/controller-manager|KUBEFED_LDFLAGS"
  "kubefed-webhook|kubefed|./cmd/webhook|KUBEFED_LDFLAGS"
  "kwok|kwok|sigs.k8s.io/kwok/cmd/kwok|KWOK_LDFLAGS"
  "pulumi|pulumi|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi|PULUMI_LDFLAGS"
  "pulumi-resource-kubernetes|pulumi-kubernetes|.|PK_LDFLAGS"
  "pulumi-language-nodejs|pulumi-language-nodejs|.|PULUMI_LDFLAGS"
  "kubefedctl|kubefed|sigs.k8s.io/kubefed/cmd/kubefedctl|KUBEFED_LDFLAGS"
  "pulumi-language-python|pulumi-language-python|.|PULUMI_LDFLAGS"
  "pulumi-language-yaml|pulumi-language-yaml|github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml|YAML_LDFLAGS"
  "pulumi-language-go|pulumi-language-go|.|PULUMI_LDFLAGS"
  "helm|helm|helm.sh/helm/v3/cmd/helm|HELM_LDFLAGS"
  "actionlint|actionlint|github.com/rhysd/actionlint/cmd/actionlint|"
  "latency-proxy|latency-proxy|.|"
)

log() { printf '[build %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# hash of everything that determines a binary
target_key() {
  local mod=$1 pkg=$2 ldflags=$3
  {
    go version
    echo "pkg=$pkg ldflags=$ldflags"
    (cd "$MOD_DIR/$mod" && cat go.mod go.sum *.go 2>/dev/null)
  } | sha256sum | cut -c1-16
}

# A working binary of that name on PATH (outside our bin dir)?
path_binary() {
  local name=$1 p
  [ "$USE_PATH" = 1 ] || return 1
  p=$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$BIN" | paste -sd:) command -v "$name" 2>/dev/null) || return 1
  case "$name" in
    pulumi)
      timeout 20 "$p" version >/dev/null 2>&1 || return 1
      # the engine also needs the Node.js language host next to it
      [ -x "$(dirname "$p")/pulumi-language-nodejs" ] || return 1 ;;
    pulumi-language-nodejs|pulumi-language-python)
      local pl; pl=$(path_binary pulumi) || return 1
      p=$(dirname "$pl")/$name; [ -x "$p" ] || return 1 ;;
    etcd) timeout 20 "$p" --version 2>/dev/null | grep -q '^etcd Version: 3\.' || return 1 ;;
    kube-apiserver|kube-controller-manager)
      timeout 20 "$p" --version 2>/dev/null | grep -Eq '^Kubernetes v1\.(3[0-9]|[4-9][0-9])\.' || return 1 ;;
    *) return 1 ;;  # kubectl (see README: /usr/bin/kubectl may be a gcloud dispatcher), kubefed, provider: always build
  esac
  printf '%s\n' "$p"
}

build_one() {
  local name=$1 mod=$2 pkg=$3 ldvar=$4 ldflags="" key ext start rc tmp
  [ -n "$ldvar" ] && ldflags=${!ldvar}
  if [ ! -d "$MOD_DIR/$mod" ]; then
    log "$name: SKIPPED - no wrapper module e2e/modules/$mod (see e2e/README.md)"
    return 2
  fi
  key=$(target_key "$mod" "$pkg" "$ldflags")

  if ext=$(path_binary "$name"); then
    if [ "$(readlink "$BIN/$name" 2>/dev/null)" != "$ext" ]; then
      ln -sfn "$ext" "$BIN/$name"; echo "path:$ext" > "$STAMPS/$name"
      log "$name: using working binary from PATH: $ext"
    fi
    return 0
  fi
  if [ -x "$BIN/$name" ] && [ ! -L "$BIN/$name" ] && [ "$(cat "$STAMPS/$name" 2>/dev/null)" = "$key" ]; then
    return 0
  fi

  log "$name: START (module e2e/modules/$mod, package $pkg)"
  start=$(date +%s)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/kubefed-e2e-build.XXXXXX")
  # Build from a temporary copy of the wrapper so nothing is written into the repo.
  cp -a "$MOD_DIR/$mod/." "$tmp/"
  rc=0
  # (set -e does not apply inside a subshell run with ||: every step checks itself)
  (
    cd "$tmp" || exit 1
    case "$name" in
      pulumi-resource-kubernetes)
        # the provider module's committed schema / terraform mapping, embedded by main.go
        go mod download github.com/pulumi/pulumi-kubernetes/provider/v4 || exit 1
        d=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4) || exit 1
        install -m 0644 "$d/cmd/pulumi-resource-kubernetes/schema.json" \
          "$d/cmd/pulumi-resource-kubernetes/terraform-mapping.json" . || exit 1 ;;
    esac
    go build -trimpath -ldflags "$ldflags" -o "$BIN/.$name.tmp" "$pkg" || exit 1
    case "$name" in
      pulumi-language-python)
        # the host execs pulumi-language-python-exec, shipped in sdk/v3's python/ folder
        d=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3) || exit 1
        install -m 0755 "$d/python/cmd/pulumi-language-python-exec" "$BIN/pulumi-language-python-exec" || exit 1 ;;
    esac
  ) || rc=$?
  rm -rf "$tmp"
  if [ $rc -ne 0 ]; then
    rm -f "$BIN/.$name.tmp"
    log "$name: FAILED (rc=$rc) after $(( $(date +%s) - start ))s"
    return 1
  fi
  rm -f "$BIN/$name"
  mv "$BIN/.$name.tmp" "$BIN/$name" || { log "$name: FAILED to install into $BIN"; return 1; }
  echo "$key" > "$STAMPS/$name"
  log "$name: END ok in $(( $(date +%s) - start ))s -> $BIN/$name"
}

state_of() {
  local name=$1 mod=$2 pkg=$3 ldvar=$4 ldflags=""
  [ -n "$ldvar" ] && ldflags=${!ldvar}
  if [ -L "$BIN/$name" ]; then echo "from PATH -> $(readlink "$BIN/$name")"
  elif [ ! -x "$BIN/$name" ]; then echo "missing"
  elif [ ! -d "$MOD_DIR/$mod" ]; then echo "present (no wrapper module)"
  elif [ "$(cat "$STAMPS/$name" 2>/dev/null)" = "$(target_key "$mod" "$pkg" "$ldflags")" ]; then echo "up to date"
  else echo "outdated"; fi
}

main() {
  local want=() t name mod pkg ldvar failed=() total_start
  if [ "${1:-}" = --list ]; then
    for t in "${TARGETS[@]}"; do IFS='|' read -r name mod pkg ldvar <<<"$t"; printf '%-28s %s\n' "$name" "$(state_of "$name" "$mod" "$pkg" "$ldvar")"; done
    return 0
  fi
  want=("$@")
  command -v go >/dev/null || { log "go is not on PATH"; return 1; }
  # one build at a time, also across concurrent callers (env.sh up + a manual build)
  exec 9>"$CACHE/build.lock"
  if ! flock -n 9; then log "another build.sh holds $CACHE/build.lock; waiting"; flock 9; fi
  total_start=$(date +%s)
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name mod pkg ldvar <<<"$t"
    if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qxF "$name"; then continue; fi
    build_one "$name" "$mod" "$pkg" "$ldvar" || failed+=("$name")
  done
  log "done in $(( $(date +%s) - total_start ))s; bin dir: $BIN"
  if [ ${#failed[@]} -gt 0 ]; then log "NOT BUILT: ${failed[*]}"; return 1; fi
}

main "$@"
