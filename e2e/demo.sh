#!/usr/bin/env bash
# `npm run demo`: the whole story on this machine. Starts the local environment (building it on
# first use) with a host that has no KubeFed at all, deploys the top-level Pulumi.yaml project
# (examples/control-plane: KubeFed's control plane from its chart, and a federation of member1
# and member2 on it) in one `up`, prints the list and describe outputs, then previews and applies
# "scale member1 to 3 replicas" and "remove member2", and ends with the KubeFedClusters as the
# KubeFed controller reports them.
# The demo stack lives in the local file backend under .e2e/pulumi-state. It is destroyed at the
# end, since the federation's objects have fixed names that the end-to-end tests use too
# (KUBEFED_DEMO_KEEP=1 keeps it to look around), and at the start if a previous run kept it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STACK=${KUBEFED_DEMO_STACK:-demo}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Local environment: etcd, kube-apiservers host/member1/member2, a simulated node each (e2e/env.sh up)"
bash e2e/env.sh up
eval "$(bash e2e/env.sh env)"
KUBECONFIGS=$ROOT/.e2e/kubeconfig
CHART=$(bash e2e/env.sh status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["kubefedChart"])')
host() { kubectl --kubeconfig "$KUBECONFIGS/host.yaml" "$@"; }

step "An empty host: no KubeFed (what the end-to-end suite installed there is removed, CRDs included)"
if [ -d .e2e/programs/env-control-plane ] && [ -n "$(host get deployments -n kube-federation-system -o name 2>/dev/null)" ]; then
  bash e2e/env.sh control-plane down
fi
crds=$(host get crds -o name | grep 'kubefed\.io$' || true)
if [ -n "$crds" ]; then host delete $crds --timeout=120s >/dev/null; fi
host delete namespace kube-federation-system --ignore-not-found --timeout=120s >/dev/null
echo "KubeFed CRDs on host: $(host get crds -o name | grep -c 'kubefed\.io$' || true); pods on host: $(host get pods -A -o name | wc -l)"

if [ ! -d node_modules ]; then
  step "Installing the npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
step "Building the package (npm run build)"
npm run --silent build

step "Stack '$STACK' of the top-level Pulumi.yaml, in $PULUMI_BACKEND_URL"
pulumi login --non-interactive "$PULUMI_BACKEND_URL" >/dev/null
if pulumi stack select "$STACK" --non-interactive 2>/dev/null; then
  echo "a previous demo stack exists: destroying it first"
  pulumi destroy --yes --non-interactive --skip-preview >/dev/null
else
  pulumi stack init "$STACK" --non-interactive
fi
pulumi config set --secret hostKubeconfig -- "$(cat "$KUBECONFIGS/host.yaml")"
pulumi config set --secret member1Kubeconfig -- "$(cat "$KUBECONFIGS/member1.yaml")"
pulumi config set --secret member2Kubeconfig -- "$(cat "$KUBECONFIGS/member2.yaml")"
pulumi config set chart "$CHART"
pulumi config set values '{"controllermanager":{"controller":{"replicaCount":1}}}'
pulumi config set members '["member1","member2"]'
pulumi config set workload '{"name":"web","namespace":"shop"}'
pulumi config rm member1Replicas >/dev/null 2>&1 || true

step "Create the federation: one pulumi up installs KubeFed (its chart, as a Helm release), joins member1 and member2, and runs shop/web on both"
pulumi up --yes --non-interactive

step "KubeFed on host: its pods, run by the simulated node under the chart's service accounts"
host get pods -n kube-federation-system -o custom-columns='POD:.metadata.name,SERVICE ACCOUNT:.spec.serviceAccountName,IP:.status.podIP,READY:.status.conditions[?(@.type=="Ready")].status'
pulumi stack output --json | python3 -c 'import json, sys; o = json.load(sys.stdin); print("chart %s in %s (scope %s): controller available %s, webhook available %s" % (o["chartVersion"], o["kubefedNamespace"], o["scope"], o["controllerAvailable"], o["webhookAvailable"]))'

step "kubefed list: pulumi stack output clusterNames"
pulumi stack output clusterNames --json
step "kubefed describe: pulumi stack output clusters"
pulumi stack output clusters --json

deployments() {
  for m in member1 member2; do
    printf '  %s: ' "$m"
    kubectl --kubeconfig "$KUBECONFIGS/$m.yaml" get deployment web -n shop --ignore-not-found \
      -o jsonpath='deployment shop/web, {.spec.replicas} replicas{"\n"}' | grep . || echo "no deployment shop/web"
  done
}
step "What runs in the members (written by the KubeFed controller)"
deployments

step "Scale: member1 to 3 replicas (pulumi config set member1Replicas 3)"
pulumi config set member1Replicas 3
pulumi preview --diff --non-interactive
pulumi up --yes --non-interactive --skip-preview
deployments

step "Delete: remove member2 from the members (its workload goes first, then its credentials)"
pulumi config set members '["member1"]'
pulumi preview --diff --non-interactive
pulumi up --yes --non-interactive --skip-preview
deployments

step "The KubeFedClusters as the KubeFed controller reports them"
kubectl --kubeconfig "$KUBECONFIGS/host.yaml" get kubefedclusters.core.kubefed.io -n kube-federation-system \
  -o custom-columns='NAME:.metadata.name,ENDPOINT:.spec.apiEndpoint,READY:.status.conditions[?(@.type=="Ready")].status,SINCE:.status.conditions[?(@.type=="Ready")].lastTransitionTime'
pulumi stack output clusters --json

if [ "${KUBEFED_DEMO_KEEP:-0}" = 1 ]; then
  step "Keeping stack '$STACK' (KUBEFED_DEMO_KEEP=1): pulumi destroy --stack $STACK removes it"
else
  step "Destroying stack '$STACK' (KUBEFED_DEMO_KEEP=1 keeps it): the federation's objects while KubeFed runs, then KubeFed"
  pulumi destroy --yes --non-interactive --skip-preview >/dev/null
  echo "destroyed; left on host: $(host get pods,deployments -n kube-federation-system -o name | wc -l) pods or deployments, $(host get crds -o name | grep -c 'kubefed\.io$' || true) KubeFed CRDs (Helm keeps a chart's CRDs)"
fi
