#!/usr/bin/env bash
# `npm run demo`: the whole story on this machine. Starts the local environment (building it on
# first use), deploys the top-level Pulumi.yaml project (a federation of member1 and member2),
# prints the list and describe outputs, then previews and applies "scale member1 to 3 replicas"
# and "remove member2", and ends with the KubeFedClusters as the KubeFed controller reports them.
# The demo stack lives in the local file backend under .e2e/pulumi-state. It is destroyed at the
# end, since the federation's objects have fixed names that the end-to-end tests use too
# (KUBEFED_DEMO_KEEP=1 keeps it to look around), and at the start if a previous run kept it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STACK=${KUBEFED_DEMO_STACK:-demo}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Local environment: etcd, kube-apiservers host/member1/member2, KubeFed controller (e2e/env.sh up)"
bash e2e/env.sh up
eval "$(bash e2e/env.sh env)"
KUBECONFIGS=$ROOT/.e2e/kubeconfig

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
pulumi config set members '["member1","member2"]'
pulumi config set workload '{"name":"web","namespace":"shop"}'
pulumi config rm member1Replicas >/dev/null 2>&1 || true

step "Join: pulumi up with member1 and member2, and a federated Deployment shop/web on both"
pulumi up --yes --non-interactive

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
  step "Destroying stack '$STACK' (KUBEFED_DEMO_KEEP=1 keeps it)"
  pulumi destroy --yes --non-interactive --skip-preview >/dev/null
  echo "destroyed"
fi
