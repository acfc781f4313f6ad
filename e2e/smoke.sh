#!/usr/bin/env bash
# Smoke test of a running e2e environment (after `e2e/env.sh up`), using only
# kubectl and, with --pulumi, the Pulumi CLI. Cleans up everything it creates.
#
#   e2e/smoke.sh            clusters + KubeFed checks
#   e2e/smoke.sh --pulumi   also a `pulumi up` / `pulumi destroy` of a tiny
#                           Node.js program (needs <repo>/node_modules with
#                           @pulumi/pulumi and @pulumi/kubernetes)
#
# Checks: /version of the three API servers; a service-account token Secret in
# member1 gets data.token; a hand-made KubeFedCluster for member1 becomes
# Ready; a FederatedConfigMap propagates to member1; kubefedctl join/unjoin of
# member2; cleanup; with --pulumi, no "using <plugin> from $PATH" warning. Ends with "N passed, N failed".
set -euo pipefail
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/.." && pwd)
eval "$("$E2E_DIR/env.sh" env)"
STATE=${KUBEFED_E2E_STATE:-$REPO/.e2e}
KCFG=$STATE/kubeconfig
NS=kube-federation-system
H="kubectl --kubeconfig $KCFG/host.yaml --request-timeout=20s"
M="kubectl --kubeconfig $KCFG/member1.yaml --request-timeout=20s"
pass=0 fail=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }
# Polls KubeFedCluster $1 for up to 60 s; sets $ready to its Ready status, succeeds when True.
wait_ready() {
  ready=""
  for _ in $(seq 1 60); do
    ready=$($H -n $NS get kubefedcluster "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
    [ "$ready" = True ] && return 0; sleep 1
  done
  return 1
}

cleanup() {
  if $H -n $NS get kubefedcluster smoke-member2 >/dev/null 2>&1; then
    kubefedctl unjoin smoke-member2 --kubeconfig "$KCFG/all.yaml" --cluster-context member2 --host-cluster-context host \
      --kubefed-namespace $NS >/dev/null 2>&1 || true
  fi
  $H delete namespace smoke-prop --ignore-not-found --wait=true --timeout=60s >/dev/null 2>&1 || true
  $H -n $NS delete kubefedcluster smoke-member1 --ignore-not-found >/dev/null 2>&1 || true
  $H -n $NS delete secret smoke-member1-token --ignore-not-found >/dev/null 2>&1 || true
  $M delete clusterrolebinding smoke-kubefed-member1 --ignore-not-found >/dev/null 2>&1 || true
  $M delete namespace smoke --ignore-not-found --wait=true --timeout=60s >/dev/null 2>&1 || true
  $M delete namespace smoke-prop --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

for c in host member1 member2; do
  v=$(kubectl --kubeconfig "$KCFG/$c.yaml" get --raw /version | python3 -c 'import json,sys; print(json.load(sys.stdin)["gitVersion"])')
  if [[ $v == v1.* && $v != v0.0.0* ]]; then ok "$c /version = $v"; else ko "$c /version = $v"; fi
done

$M create namespace smoke >/dev/null
$M -n smoke create serviceaccount kubefed-member1 >/dev/null
$M create clusterrolebinding smoke-kubefed-member1 --clusterrole=cluster-admin --serviceaccount=smoke:kubefed-member1 >/dev/null
$M apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: kubefed-member1-token
  namespace: smoke
  annotations: {kubernetes.io/service-account.name: kubefed-member1}
type: kubernetes.io/service-account-token
EOF
token=""
for _ in $(seq 1 30); do
  token=$($M -n smoke get secret kubefed-member1-token -o jsonpath='{.data.token}' 2>/dev/null || true)
  [ -n "$token" ] && break; sleep 1
done
if [ -n "$token" ]; then ok "member1 service-account token Secret got data.token"; else ko "member1 token Secret has no data.token"; fi

$H apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Secret
metadata: {name: smoke-member1-token, namespace: $NS}
data: {token: $token}
---
apiVersion: core.kubefed.io/v1beta1
kind: KubeFedCluster
metadata: {name: smoke-member1, namespace: $NS}
spec:
  apiEndpoint: $(kubectl --kubeconfig "$KCFG/member1.yaml" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
  caBundle: $(kubectl --kubeconfig "$KCFG/member1.yaml" config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
  secretRef: {name: smoke-member1-token}
EOF
if wait_ready smoke-member1; then ok "KubeFedCluster smoke-member1 Ready"; else ko "KubeFedCluster smoke-member1 not Ready ($ready)"; fi

# Place on every KubeFedCluster that points at member1 (a federation joined by
# the tests or the demo may hold member1 under another name: KubeFed would
# otherwise remove from it what is not placed there).
m1_server=$(kubectl --kubeconfig "$KCFG/member1.yaml" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
placement=$($H -n $NS get kubefedclusters.core.kubefed.io -o json | python3 -c '
import json, sys
names = [c["metadata"]["name"] for c in json.load(sys.stdin)["items"] if c["spec"]["apiEndpoint"].rstrip("/") == sys.argv[1]]
print(json.dumps([{"name": n} for n in sorted(set(names + ["smoke-member1"]))]))' "$m1_server")
$H create namespace smoke-prop >/dev/null
$H apply -f - >/dev/null <<EOF
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: smoke-prop, namespace: smoke-prop}
spec: {placement: {clusters: $placement}}
---
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: smoke, namespace: smoke-prop}
spec:
  template: {data: {hello: world}}
  placement: {clusters: $placement}
EOF
got=""
for _ in $(seq 1 60); do
  got=$($M -n smoke-prop get configmap smoke -o jsonpath='{.data.hello}' 2>/dev/null || true)
  [ "$got" = world ] && break; sleep 1
done
if [ "$got" = world ]; then ok "FederatedConfigMap propagated to member1"; else ko "FederatedConfigMap did not propagate"; fi

# kubefedctl join / unjoin of member2 (as "smoke-member2", not to touch a
# federation that holds member2 under its own name), with the combined kubeconfig
if kubefedctl join smoke-member2 --kubeconfig "$KCFG/all.yaml" --cluster-context member2 --host-cluster-context host \
     --kubefed-namespace $NS >/dev/null 2>&1; then
  if wait_ready smoke-member2; then ok "kubefedctl join member2 (as smoke-member2): Ready"; else ko "kubefedctl join member2: not Ready ($ready)"; fi
else
  ko "kubefedctl join member2 failed"
fi
if kubefedctl unjoin smoke-member2 --kubeconfig "$KCFG/all.yaml" --cluster-context member2 --host-cluster-context host \
     --kubefed-namespace $NS >/dev/null 2>&1 && ! $H -n $NS get kubefedcluster smoke-member2 >/dev/null 2>&1; then
  ok "kubefedctl unjoin smoke-member2"
else
  ko "kubefedctl unjoin smoke-member2"
fi

if [ "${1:-}" = --pulumi ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/kubefed-e2e-smoke.XXXXXX")
  [ -d "$REPO/node_modules/@pulumi/kubernetes" ] || { ko "no $REPO/node_modules/@pulumi/kubernetes (npm ci first)"; exit 1; }
  ln -s "$REPO/node_modules" "$work/node_modules"
  cat >"$work/Pulumi.yaml" <<EOF
name: kubefed-e2e-smoke
runtime:
  name: nodejs
  options: {typescript: false}
main: index.js
EOF
  echo '{"name": "kubefed-e2e-smoke", "private": true, "main": "index.js"}' >"$work/package.json"
  cat >"$work/index.js" <<'EOF'
const k8s = require("@pulumi/kubernetes");
const provider = new k8s.Provider("member1", { kubeconfig: process.env.SMOKE_KUBECONFIG, context: "member1" });
const cm = new k8s.core.v1.ConfigMap("smoke", {
  metadata: { name: "pulumi-smoke", namespace: "default" },
  data: { hello: "pulumi" },
}, { provider });
exports.name = cm.metadata.name;
EOF
  export SMOKE_KUBECONFIG
  SMOKE_KUBECONFIG=$(cat "$KCFG/member1.yaml")
  (
    cd "$work"
    pulumi stack init smoke-$$ --non-interactive >/dev/null
    if pulumi up --yes --non-interactive --skip-preview >"$work/up.log" 2>&1 \
       && [ "$($M -n default get configmap pulumi-smoke -o jsonpath='{.data.hello}')" = pulumi ]; then
      echo "PASS: pulumi up created ConfigMap pulumi-smoke in member1"
      grep -iE "warning|resources:|[0-9]+ (created|unchanged)" "$work/up.log" | sed 's/^/    /' || true
    else
      echo "FAIL: pulumi up"; tail -n 30 "$work/up.log"
    fi
    pulumi destroy --yes --non-interactive --skip-preview >"$work/destroy.log" 2>&1 || { echo "FAIL: pulumi destroy"; tail -n 20 "$work/destroy.log"; }
    # The plugins come from PULUMI_HOME (env.sh installs them); one found on PATH means PATH is wrong.
    if grep -h 'from \$PATH' "$work/up.log" "$work/destroy.log"; then
      echo "FAIL: the engine took a plugin from PATH (see the warning above), not from PULUMI_HOME"
    else
      echo "PASS: no plugin taken from PATH (no \"using ... from \$PATH\" warning in up and destroy)"
    fi
    pulumi stack rm --yes --force smoke-$$ >/dev/null 2>&1 || true
  ) | tee "$work/result"
  pass=$((pass + $(grep -c '^PASS' "$work/result" || true))); fail=$((fail + $(grep -c '^FAIL' "$work/result" || true)))
  rm -rf "$work"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
