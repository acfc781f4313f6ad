#!/usr/bin/env bash
# Local end-to-end environment: one etcd, three Kubernetes API servers (host,
# member1, member2), each with a kube-controller-manager, a kube-scheduler and one
# simulated node (KWOK, plus e2e/lib/pods.py, which runs the node's pods' containers
# as processes), all as plain local processes on loopback. KubeFed v0.10.0 is installed
# on host by the package's own KubefedControlPlane (`control-plane`), from its chart.
#
#   e2e/env.sh up             build what is missing, start/repair everything (idempotent)
#   e2e/env.sh down           stop the processes `up` started
#   e2e/env.sh status [--json]
#   e2e/env.sh env            print `export ...` lines (eval "$(e2e/env.sh env)")
#   e2e/env.sh latency RTT-MS|off   members also reachable with that round-trip time (bench latency)
#   e2e/env.sh control-plane [up|down]   install (or remove) KubeFed on host with KubefedControlPlane
#                             (needs `npm run package && bash e2e/programs.sh` first; npm run test:e2e does it)
#
# State lives in <repo>/.e2e/ (certs, etcd data, kubeconfigs, logs, pids,
# Pulumi state and home, bin/); binaries in ${KUBEFED_E2E_CACHE:-~/.cache/kubefed-e2e}/bin.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/.." && pwd)
STATE=${KUBEFED_E2E_STATE:-$REPO/.e2e}
CACHE=${KUBEFED_E2E_CACHE:-$HOME/.cache/kubefed-e2e}
BIN=$CACHE/bin
# What PATH and the test helpers get: links to the binaries of $BIN but the resource plugins,
# which `up` installs into PULUMI_HOME (see install_plugins).
PATH_BIN=$STATE/bin
IP_PREFIX=${KUBEFED_E2E_IP_PREFIX:-127.0.10}
ETCD_IP=$IP_PREFIX.100
ETCD_URL=http://$ETCD_IP:2379
API_PORT=6443
KUBEFED_NS=kube-federation-system
K8S_VERSION=v1.37.2
CLUSTERS=(host member1 member2)
PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-kubefed-e2e-test-passphrase}

PKI=$STATE/pki
KCFG=$STATE/kubeconfig
LOGS=$STATE/logs
PIDS=$STATE/pids

cluster_ip() { case $1 in host) echo "$IP_PREFIX.1";; member1) echo "$IP_PREFIX.2";; member2) echo "$IP_PREFIX.3";; esac; }
cluster_index() { case $1 in host) echo 0;; member1) echo 1;; member2) echo 2;; esac; }
server_url() { echo "https://$(cluster_ip "$1"):$API_PORT"; }
kc() { local c=$1; shift; "$BIN/kubectl" --kubeconfig "$KCFG/$c.yaml" --request-timeout=20s "$@"; }

log() { printf '[env %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- processes --
# pid files: $PIDS/<name>.pid; a pid counts only while /proc/<pid>/exe is our binary.
pid_of() {
  local name=$1 bin=$2 pid
  [ -f "$PIDS/$name.pid" ] || return 1
  pid=$(cat "$PIDS/$name.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  # guard against pid reuse: the process must run our binary
  local exe; exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  exe=${exe% (deleted)}  # the binary was rebuilt (replaced) while running
  [ "$exe" = "$(readlink -f "$bin")" ] || return 1
  echo "$pid"
}

start_proc() { # name binary args...
  local name=$1 bin=$2; shift 2
  mkdir -p "$LOGS" "$PIDS"
  {
    echo "==== $(date -u +%FT%TZ) starting $name"
    printf '%q ' "$bin" "$@"; echo
  } >>"$LOGS/$name.log"
  # new session, no controlling terminal: survives this script's exit
  setsid "$bin" "$@" </dev/null >>"$LOGS/$name.log" 2>&1 8>&- &
  echo $! >"$PIDS/$name.pid"
}

stop_procs() { # name:binary ... : TERM all, wait up to 10 s, then KILL what is left
  local nb name bin pid i pids=() names=()
  for nb in "$@"; do
    name=${nb%%:*}; bin=${nb#*:}
    if pid=$(pid_of "$name" "$bin"); then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    fi
    rm -f "$PIDS/$name.pid"
  done
  for ((i = 0; i < ${#pids[@]}; i++)); do
    local n
    for n in $(seq 1 50); do [ -d "/proc/${pids[i]}" ] || break; sleep 0.2; done
    if [ -d "/proc/${pids[i]}" ]; then kill -9 "${pids[i]}" 2>/dev/null || true; fi
    log "stopped ${names[i]} (pid ${pids[i]})"
  done
}
stop_proc() { stop_procs "$1:$2"; }

wait_for() { # description timeout-seconds command...
  local what=$1 t=$2 i; shift 2
  for ((i = 0; i < t * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

wait_proc() { # name binary timeout-seconds health-command...: fail fast if the process exits
  local name=$1 bin=$2 t=$3 i; shift 3
  for ((i = 0; i < t * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    pid_of "$name" "$bin" >/dev/null || { log "$name exited; last log lines:"; tail -n 5 "$LOGS/$name.log" >&2; return 1; }
    sleep 0.5
  done
  return 1
}

# ------------------------------------------------------------------- health --
etcd_healthy() { curl -fsS -m 3 "$ETCD_URL/health" 2>/dev/null | grep -q '"health":"true"'; }
api_healthy() {
  local c=$1
  [ -f "$PKI/admin.token" ] || return 1
  curl -fsS -m 5 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $(cat "$PKI/admin.token")" \
    "$(server_url "$c")/readyz" 2>/dev/null | grep -qx ok
}
kcm_healthy() {
  local c=$1
  pid_of "kcm-$c" "$BIN/kube-controller-manager" >/dev/null || return 1
  curl -ksS -m 3 "https://$(cluster_ip "$c"):10257/healthz" 2>/dev/null | grep -qx ok
}
kubefed_healthy() {
  pid_of kubefed-controller-manager "$BIN/kubefed-controller-manager" >/dev/null || return 1
  curl -fsS -m 3 "http://$(cluster_ip host):18080/healthz" >/dev/null 2>&1
}

# ---------------------------------------------------------------------- PKI --
make_pki() {
  mkdir -p "$PKI"
  if [ ! -f "$PKI/ca.crt" ]; then
    log "creating CA and keys in $PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" \
      -days 3650 -subj "/CN=kubefed-e2e-ca" 2>/dev/null
  fi
  [ -f "$PKI/admin.token" ] || (umask 077; openssl rand -hex 24 >"$PKI/admin.token")
  local c ip
  for c in "${CLUSTERS[@]}"; do
    ip=$(cluster_ip "$c")
    if [ ! -f "$PKI/$c-apiserver.crt" ]; then
      openssl req -newkey rsa:2048 -nodes -keyout "$PKI/$c-apiserver.key" -out "$PKI/$c-apiserver.csr" \
        -subj "/CN=kube-apiserver-$c" 2>/dev/null
      printf 'subjectAltName=IP:%s,IP:10.0.%s.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n' \
        "$ip" "$(cluster_index "$c")" >"$PKI/$c-apiserver.ext"
      openssl x509 -req -in "$PKI/$c-apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
        -out "$PKI/$c-apiserver.crt" -days 3650 -extfile "$PKI/$c-apiserver.ext" 2>/dev/null
      rm -f "$PKI/$c-apiserver.csr"
    fi
    if [ ! -f "$PKI/$c-sa.key" ]; then
      openssl genrsa -out "$PKI/$c-sa.key" 2048 2>/dev/null
      openssl rsa -in "$PKI/$c-sa.key" -pubout -out "$PKI/$c-sa.pub" 2>/dev/null
    fi
    # static token auth: admin in system:masters
    printf '%s,admin,admin,"system:masters"\n' "$(cat "$PKI/admin.token")" >"$PKI/$c-tokens.csv"
  done
}

write_kubeconfigs() { # [DIR MEMBER-PORT]: the members' servers at that port (the latency proxy's)
  local dir=${1:-$KCFG} member_port=${2:-$API_PORT}
  local ca token c all
  mkdir -p "$dir"
  # the host always at its own port; the members at member_port
  url_of() { if [ "$1" = host ]; then server_url host; else echo "https://$(cluster_ip "$1"):$member_port"; fi; }
  ca=$(base64 -w0 <"$PKI/ca.crt")
  token=$(cat "$PKI/admin.token")
  for c in "${CLUSTERS[@]}"; do
    cat >"$dir/$c.yaml.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $c
  cluster:
    server: $(url_of "$c")
    certificate-authority-data: $ca
users:
- name: $c-admin
  user:
    token: $token
contexts:
- name: $c
  context:
    cluster: $c
    user: $c-admin
current-context: $c
EOF
    mv "$dir/$c.yaml.tmp" "$dir/$c.yaml"
  done
  {
    echo "apiVersion: v1"; echo "kind: Config"; echo "clusters:"
    for c in "${CLUSTERS[@]}"; do printf -- '- name: %s\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n' "$c" "$(url_of "$c")" "$ca"; done
    echo "users:"
    for c in "${CLUSTERS[@]}"; do printf -- '- name: %s-admin\n  user:\n    token: %s\n' "$c" "$token"; done
    echo "contexts:"
    for c in "${CLUSTERS[@]}"; do printf -- '- name: %s\n  context:\n    cluster: %s\n    user: %s-admin\n' "$c" "$c" "$c"; done
    echo "current-context: host"
  } >"$dir/all.yaml.tmp"
  mv "$dir/all.yaml.tmp" "$dir/all.yaml"
  chmod 600 "$dir"/*.yaml
}

# -------------------------------------------------------------- components --
ensure_etcd() {
  if etcd_healthy; then return 0; fi
  stop_proc etcd "$BIN/etcd"
  mkdir -p "$STATE/etcd"; chmod 700 "$STATE/etcd"
  log "starting etcd on $ETCD_URL (data $STATE/etcd)"
  start_proc etcd "$BIN/etcd" --name kubefed-e2e --data-dir "$STATE/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "http://$ETCD_IP:2380" --initial-advertise-peer-urls "http://$ETCD_IP:2380" \
    --initial-cluster "kubefed-e2e=http://$ETCD_IP:2380" --initial-cluster-state new \
    --unsafe-no-fsync --quota-backend-bytes=4294967296 --log-level=warn
  wait_proc etcd "$BIN/etcd" 60 etcd_healthy || die "etcd did not become healthy; see $LOGS/etcd.log"
}

# --enable-aggregator-routing: the API server reaches a Service (KubeFed's admission webhook) at the
# address of its EndpointSlice, a pod's, instead of its cluster IP, which nothing here routes.
start_apiserver() {
  local c=$1 ip; ip=$(cluster_ip "$c")
  log "starting kube-apiserver $c on $(server_url "$c")"
  start_proc "apiserver-$c" "$BIN/kube-apiserver" \
    --advertise-address="$ip" --bind-address="$ip" --secure-port=$API_PORT \
    --etcd-servers="$ETCD_URL" --etcd-prefix="/registry-$c" \
    --cert-dir="$STATE/apiserver-$c" \
    --tls-cert-file="$PKI/$c-apiserver.crt" --tls-private-key-file="$PKI/$c-apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --token-auth-file="$PKI/$c-tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-issuer="$(server_url "$c")" \
    --service-account-key-file="$PKI/$c-sa.pub" \
    --service-account-signing-key-file="$PKI/$c-sa.key" \
    --api-audiences="$(server_url "$c")" \
    --service-cluster-ip-range="10.0.$(cluster_index "$c").0/24" \
    --allow-privileged=true \
    --endpoint-reconciler-type=none \
    --enable-aggregator-routing=true \
    --profiling=false \
    --v=1
}

start_kcm() {
  local c=$1 ip; ip=$(cluster_ip "$c")
  log "starting kube-controller-manager for $c"
  start_proc "kcm-$c" "$BIN/kube-controller-manager" \
    --kubeconfig="$KCFG/$c.yaml" \
    --authentication-kubeconfig="$KCFG/$c.yaml" --authorization-kubeconfig="$KCFG/$c.yaml" \
    --bind-address="$ip" --secure-port=10257 \
    --cert-dir="$STATE/kcm-$c" \
    --service-account-private-key-file="$PKI/$c-sa.key" \
    --root-ca-file="$PKI/ca.crt" \
    --use-service-account-credentials=false \
    --leader-elect=false \
    --controllers='*' \
    --profiling=false \
    --v=1
}

start_scheduler() {
  local c=$1 ip; ip=$(cluster_ip "$c")
  log "starting kube-scheduler for $c"
  start_proc "scheduler-$c" "$BIN/kube-scheduler" \
    --kubeconfig="$KCFG/$c.yaml" \
    --authentication-kubeconfig="$KCFG/$c.yaml" --authorization-kubeconfig="$KCFG/$c.yaml" \
    --bind-address="$ip" --secure-port=10259 \
    --leader-elect=false \
    --profiling=false \
    --v=1
}
scheduler_healthy() { local c=$1; pid_of "scheduler-$c" "$BIN/kube-scheduler" >/dev/null && curl -ksS -m 3 "https://$(cluster_ip "$c"):10259/healthz" 2>/dev/null | grep -qx ok; }

# ------------------------------------------------------------------ the node --
# One simulated node per cluster, where the pods of the KubeFed chart are scheduled: KWOK keeps it
# Ready and moves its pods to Running with an address of its podCIDR, and e2e/lib/pods.py runs
# each pod's container as a process bound to that address, under the pod's service account.
# Kubernetes refuses loopback addresses in EndpointSlices, so pod addresses come from
# 10.250.<n>.0/24 (n: the third number of the IP prefix), which `up` routes to the loopback
# interface as local addresses (`ip route add local ... dev lo`, "AnyIP"): traffic to a pod
# never leaves the machine, as traffic to 127.0.0.0/8 does not.
NODE=kwok-node
POD_NET=10.250.$(echo "$IP_PREFIX" | cut -d. -f3)
pod_cidr() { echo "$POD_NET.$((128 + 32 * $(cluster_index "$1")))/27"; }
ensure_pod_route() {
  ip route show table local 2>/dev/null | grep -q "^local $POD_NET.0/24 dev lo" && return 0
  ip route add local "$POD_NET.0/24" dev lo 2>/dev/null \
    || die "cannot route the pods' addresses $POD_NET.0/24 to the loopback interface (ip route add local $POD_NET.0/24 dev lo needs root)"
}
PYTHON=$(readlink -f "$(python3 -c 'import sys; print(sys.executable)')")

kwok_config() { # KWOK's node stages and pod-delete stage (from its module), and our pod stage
  local dir; dir=$(cd "$E2E_DIR/modules/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok) || die "the sigs.k8s.io/kwok module is not in the module cache (e2e/build.sh kwok)"
  mkdir -p "$STATE/kwok"
  {
    cat "$dir/kustomize/stage/node/fast/node-initialize.yaml"; echo "---"
    cat "$dir/kustomize/stage/node/heartbeat/node-heartbeat.yaml"; echo "---"
    cat "$dir/kustomize/stage/pod/fast/pod-delete.yaml"; echo "---"
    cat "$E2E_DIR/lib/kwok-pod-running.yaml"
  } >"$STATE/kwok/config.yaml"
}

start_kwok() {
  local c=$1
  log "starting KWOK for node $NODE of $c (pods on $(pod_cidr "$c"))"
  start_proc "kwok-$c" "$BIN/kwok" \
    --kubeconfig="$KCFG/$c.yaml" --config="$STATE/kwok/config.yaml" \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip="$(cluster_ip "$c")" --cidr="$(pod_cidr "$c")"
}

ensure_node() { # its podCIDR cannot change: a node of another range is made again
  local c=$1 cidr
  cidr=$(kc "$c" get node "$NODE" -o jsonpath='{.spec.podCIDR}' 2>/dev/null || true)
  [ "$cidr" = "$(pod_cidr "$c")" ] && return 0
  [ -n "$cidr" ] && kc "$c" delete node "$NODE" --wait=true >/dev/null
  kc "$c" apply -f - >/dev/null <<NODEYAML
apiVersion: v1
kind: Node
metadata:
  name: $NODE
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: $NODE
    kubernetes.io/os: linux
    type: kwok
spec:
  podCIDR: $(pod_cidr "$c")
NODEYAML
}

start_pods() {
  local c=$1
  log "starting the container runtime of node $NODE of $c (e2e/lib/pods.py)"
  start_proc "pods-$c" "$PYTHON" "$E2E_DIR/lib/pods.py" --cluster "$c" --server "$(server_url "$c")" \
    --ca-file "$PKI/ca.crt" --token-file "$PKI/admin.token" --node "$NODE" --state "$STATE/pods/$c" --bin "$BIN"
}

node_healthy() {
  local c=$1
  pid_of "kwok-$c" "$BIN/kwok" >/dev/null && pid_of "pods-$c" "$PYTHON" >/dev/null || return 1
  [ "$(kc "$c" get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

stop_pod_processes() { # what a killed pods.py left running
  local f pid
  for f in "$STATE"/pods/*/*/pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f"); rm -f "$f"
    if [ -d "/proc/$pid" ]; then kill -9 -- "-$pid" 2>/dev/null || true; fi
  done
}

# ----------------------------------------------------------- the control plane --
# KubeFed on host, installed with the package's own KubefedControlPlane (examples/control-plane, in
# the stack "env-control-plane"), from the chart in the sigs.k8s.io/kubefed module.
kubefed_chart() {
  local d; d=$(cd "$E2E_DIR/modules/kubefed" && go list -m -f '{{.Dir}}' sigs.k8s.io/kubefed 2>/dev/null) || true
  [ -n "$d" ] && [ -f "$d/charts/kubefed/Chart.yaml" ] || die "KubeFed's chart is not in the module cache (e2e/build.sh kubefed-controller-manager downloads it)"
  echo "$d/charts/kubefed"
}
# The environment's values: one controller replica instead of the chart's two (two cores are all there is).
CONTROL_PLANE_VALUES='{"controllermanager":{"controller":{"replicaCount":1}}}'

kubefed_healthy() {
  local d n
  for d in kubefed-controller-manager kubefed-admission-webhook; do
    n=$(kc host get deployment "$d" -n "$KUBEFED_NS" -o jsonpath='{.status.availableReplicas}' 2>/dev/null || true)
    [ "${n:-0}" -ge 1 ] || return 1
  done
}

control_plane_program() {
  local dir=$STATE/programs/env-control-plane node=$STATE/programs/node/node_modules
  [ -d "$node/@kubefed-iac/kubefed" ] || die "the package is not installed for the programs: npm run package && bash e2e/programs.sh"
  mkdir -p "$dir"
  cp "$REPO/examples/control-plane/index.ts" "$REPO/examples/control-plane/Pulumi.yaml" "$dir/"
  [ -e "$dir/node_modules" ] || ln -s "$node" "$dir/node_modules"
  echo '{"compilerOptions":{"target":"ES2022","module":"commonjs","strict":true,"esModuleInterop":true,"skipLibCheck":true}}' >"$dir/tsconfig.json"
  echo "$dir"
}

cmd_control_plane() { # up | down
  local action=${1:-up} dir
  dir=$(control_plane_program)
  (
    cd "$dir"
    eval "$(cmd_env)"
    pulumi stack select --create env-control-plane >/dev/null 2>&1
    if [ "$action" = down ]; then
      log "removing KubeFed from host (pulumi destroy of the stack env-control-plane)"
      pulumi destroy --yes --skip-preview --non-interactive >"$LOGS/control-plane.log" 2>&1 || { tail -n 30 "$LOGS/control-plane.log" >&2; die "pulumi destroy of the control plane failed; see $LOGS/control-plane.log"; }
      exit 0
    fi
    pulumi config set --secret hostKubeconfig "$(cat "$KCFG/host.yaml")" >/dev/null
    pulumi config set chart "$(kubefed_chart)" >/dev/null
    pulumi config set values "$CONTROL_PLANE_VALUES" >/dev/null
    log "installing KubeFed on host with KubefedControlPlane (pulumi up of the stack env-control-plane; log $LOGS/control-plane.log)"
    pulumi up --yes --skip-preview --non-interactive >"$LOGS/control-plane.log" 2>&1 || { tail -n 30 "$LOGS/control-plane.log" >&2; die "pulumi up of the control plane failed; see $LOGS/control-plane.log"; }
    log "KubeFed runs on host: $(pulumi stack output --json 2>/dev/null | python3 -c 'import json,sys; o=json.load(sys.stdin); print("chart %s, controller available: %s, webhook available: %s" % (o["chartVersion"], o["controllerAvailable"], o["webhookAvailable"]))')"
  )
}

# ------------------------------------------------------------------ Pulumi --
# The engine takes a resource plugin found on PATH over an installed one, and warns "using
# pulumi-resource-kubernetes from $PATH at ..." on every command. So PATH gets $PATH_BIN, the
# binaries of $BIN without the resource plugins, and the resource plugins are installed into
# PULUMI_HOME with the real CLI. The language hosts stay on PATH: the engine looks for them next
# to the CLI too (they are "bundled"), and warns only when the two differ.
link_path_bin() {
  local f
  mkdir -p "$PATH_BIN"
  for f in "$BIN"/*; do
    case ${f##*/} in pulumi-resource-*) continue ;; esac
    [ -f "$f" ] && [ -x "$f" ] && ln -sfn "$f" "$PATH_BIN/${f##*/}"
  done
  find "$PATH_BIN" -maxdepth 1 -xtype l -delete # binaries no longer built
  rm -f "$PATH_BIN"/pulumi-resource-*
}

# `pulumi plugin install resource <name> <version> --file <binary>`, unless `pulumi plugin ls` lists
# that version and it was installed from this very binary (size and mtime in $STATE/plugin-stamps:
# build.sh rebuilds a binary in place when its module changes). Versions: what build.sh builds.
install_plugins() {
  local home=$STATE/pulumi-home f name version source stamp
  [ -x "$BIN/pulumi" ] || { log "WARNING: no $BIN/pulumi: resource plugins not installed"; return 0; }
  for f in "$BIN"/pulumi-resource-*; do
    [ -x "$f" ] || continue
    name=${f##*/pulumi-resource-}
    case $name in
      kubernetes) version=$(sed -n 's/^PULUMI_K8S_VERSION=//p' "$E2E_DIR/build.sh") ;;
      *) log "WARNING: no version known for $f: not installed"; continue ;;
    esac
    source=$(stat -L -c '%s %Y' "$f")
    stamp=$STATE/plugin-stamps/resource-$name-v$version
    if [ "$(cat "$stamp" 2>/dev/null)" = "$source" ] \
       && PULUMI_HOME=$home PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" plugin ls --output json 2>/dev/null \
         | python3 -c 'import json, sys; sys.exit(0 if any(p["kind"] == "resource" and p["name"] == sys.argv[1] and p["version"] == sys.argv[2] for p in json.load(sys.stdin) or []) else 1)' "$name" "$version"; then
      continue
    fi
    log "installing resource plugin $name $version into $home (pulumi plugin install --file $f)"
    PULUMI_HOME=$home PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" plugin install resource "$name" "$version" --file "$f" --reinstall >>"$LOGS/plugin-install.log" 2>&1 \
      || die "pulumi plugin install resource $name $version --file $f failed; see $LOGS/plugin-install.log"
    mkdir -p "$STATE/plugin-stamps"
    echo "$source" >"$stamp"
  done
}

# --------------------------------------------------------------------- env --
env_path() { printf '%s:%s' "$PATH_BIN" "$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF -e "$BIN" -e "$PATH_BIN" | paste -sd:)"; }
pulumi_env() { # key=value lines
  echo "PATH=$(env_path)"
  echo "PULUMI_BACKEND_URL=file://$STATE/pulumi-state"
  echo "PULUMI_CONFIG_PASSPHRASE=$PASSPHRASE"
  echo "PULUMI_HOME=$STATE/pulumi-home"
  echo "PULUMI_SKIP_UPDATE_CHECK=true"
  echo "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
}

# ---------------------------------------------------------------- commands --
# up/down of one state dir run one at a time (a test run's `up` and a
# developer's `down` must not interleave); the daemons never inherit the lock fd.
take_lock() {
  mkdir -p "$STATE"
  exec 8>"$STATE/env.lock"
  if ! flock -n 8; then log "waiting for another env.sh up/down on $STATE"; flock 8; fi
}

cmd_up() {
  local t0 c; t0=$(date +%s)
  take_lock
  command -v openssl >/dev/null || die "openssl is needed"
  command -v python3 >/dev/null || die "python3 is needed (e2e/lib/pods.py runs the pods' containers)"
  mkdir -p "$STATE" "$LOGS" "$PIDS" "$STATE/pulumi-state" "$STATE/pulumi-home"
  if [ "${KUBEFED_E2E_SKIP_BUILD:-0}" != 1 ]; then
    # cluster binaries first: the clusters come up while nothing else is needed
    "$E2E_DIR/build.sh" etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kubefed-controller-manager kubefed-webhook \
      || die "building the cluster binaries failed"
  fi
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kubefed-controller-manager kubefed-webhook; do
    [ -x "$BIN/$b" ] || die "missing $BIN/$b (run e2e/build.sh)"
  done
  make_pki
  write_kubeconfigs
  ensure_etcd
  for c in "${CLUSTERS[@]}"; do
    if ! api_healthy "$c"; then stop_proc "apiserver-$c" "$BIN/kube-apiserver"; start_apiserver "$c"; fi
  done
  for c in "${CLUSTERS[@]}"; do
    wait_proc "apiserver-$c" "$BIN/kube-apiserver" 120 api_healthy "$c" || die "kube-apiserver $c did not become ready; see $LOGS/apiserver-$c.log"
  done
  for c in "${CLUSTERS[@]}"; do
    if ! kcm_healthy "$c"; then stop_proc "kcm-$c" "$BIN/kube-controller-manager"; start_kcm "$c"; fi
  done
  kwok_config
  ensure_pod_route
  for c in "${CLUSTERS[@]}"; do
    if ! scheduler_healthy "$c"; then stop_proc "scheduler-$c" "$BIN/kube-scheduler"; start_scheduler "$c"; fi
    ensure_node "$c"
    pid_of "kwok-$c" "$BIN/kwok" >/dev/null || start_kwok "$c"
    pid_of "pods-$c" "$PYTHON" >/dev/null || start_pods "$c"
  done
  for c in "${CLUSTERS[@]}"; do
    wait_proc "kcm-$c" "$BIN/kube-controller-manager" 90 kcm_healthy "$c" || die "kube-controller-manager $c is not healthy; see $LOGS/kcm-$c.log"
    wait_proc "scheduler-$c" "$BIN/kube-scheduler" 90 scheduler_healthy "$c" || die "kube-scheduler $c is not healthy; see $LOGS/scheduler-$c.log"
    wait_proc "kwok-$c" "$BIN/kwok" 60 node_healthy "$c" || die "node $NODE of $c is not Ready; see $LOGS/kwok-$c.log and $LOGS/pods-$c.log"
  done
  if [ "${KUBEFED_E2E_SKIP_BUILD:-0}" != 1 ]; then
    # Pulumi CLI, plugins and kubefedctl; the clusters are usable even if one of these fails
    "$E2E_DIR/build.sh" || log "WARNING: some binaries could not be built (see above and e2e/README.md)"
  fi
  link_path_bin
  install_plugins
  log "up: all components healthy in $(( $(date +%s) - t0 ))s"
  cmd_status
}

# The latency proxy (e2e/modules/latency-proxy): member1 and member2 also at port $LATENCY_PORT of
# their addresses, each direction delayed by RTT/2; kubeconfigs that use it in $KCFG/latency/.
LATENCY_PORT=${KUBEFED_E2E_LATENCY_PORT:-7443}
cmd_latency() { # RTT-ms | off
  local rtt=${1:-} c routes=()
  [[ "$rtt" =~ ^([0-9]+|off)$ ]] || { echo "usage: $0 latency RTT-MS|off" >&2; exit 2; }
  stop_proc latency-proxy "$BIN/latency-proxy"
  if [ "$rtt" = off ]; then log "latency proxy off"; return 0; fi
  [ -x "$BIN/latency-proxy" ] || "$E2E_DIR/build.sh" latency-proxy || die "building latency-proxy failed"
  for c in member1 member2; do routes+=(-route "$(cluster_ip "$c"):$LATENCY_PORT=$(cluster_ip "$c"):$API_PORT"); done
  start_proc latency-proxy "$BIN/latency-proxy" -delay "$((rtt * 500))us" "${routes[@]}"
  write_kubeconfigs "$KCFG/latency" "$LATENCY_PORT"
  for c in member1 member2; do
    wait_proc latency-proxy "$BIN/latency-proxy" 20 \
      curl -fsS -m 5 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $(cat "$PKI/admin.token")" "https://$(cluster_ip "$c"):$LATENCY_PORT/readyz" \
      || die "member $c is not reachable through the latency proxy; see $LOGS/latency-proxy.log"
  done
  log "latency proxy: member1/member2 at port $LATENCY_PORT, RTT ${rtt} ms (log $LOGS/latency-proxy.log); kubeconfigs through it: $KCFG/latency/{member1,member2,all}.yaml"
}

cmd_down() {
  take_lock
  local c kcms=() apis=() nodes=()
  for c in "${CLUSTERS[@]}"; do
    kcms+=("kcm-$c:$BIN/kube-controller-manager" "scheduler-$c:$BIN/kube-scheduler"); apis+=("apiserver-$c:$BIN/kube-apiserver")
    nodes+=("pods-$c:$PYTHON" "kwok-$c:$BIN/kwok")
  done
  stop_procs "${nodes[@]}"
  stop_pod_processes
  stop_procs "latency-proxy:$BIN/latency-proxy" "${kcms[@]}"
  stop_procs "${apis[@]}"
  stop_proc etcd "$BIN/etcd"
  log "down: stopped (state kept in $STATE; remove it to start from scratch)"
}

all_running() {
  local c
  etcd_healthy || return 1
  for c in "${CLUSTERS[@]}"; do api_healthy "$c" && kcm_healthy "$c" && scheduler_healthy "$c" && node_healthy "$c" || return 1; done
  kubefed_healthy
}

cmd_status_json() {
  local running=false
  all_running && running=true
  # one python call builds the JSON (key order fixed: other tools parse it)
  pulumi_env | python3 -c '
import json, sys
running, kcfg, ips, binDir, ns, chart = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4], sys.argv[5], sys.argv[6]
names = ["host", "member1", "member2"]
env = {}
for line in sys.stdin.read().splitlines():
    k, _, v = line.partition("=")
    env[k] = v
out = {
    "running": running == "true",
    "clusters": {n: {"kubeconfig": "%s/%s.yaml" % (kcfg, n), "server": ips[i], "context": n} for i, n in enumerate(names)},
    "kubeconfigAll": kcfg + "/all.yaml",
    "binDir": binDir,
    "kubefedNamespace": ns,
    "kubefedChart": chart,
    "env": env,
}
print(json.dumps(out, indent=2))
' "$running" "$KCFG" "$(server_url host),$(server_url member1),$(server_url member2)" "$PATH_BIN" "$KUBEFED_NS" "$( (kubefed_chart) 2>/dev/null || true)"
}

cmd_status() {
  if [ "${1:-}" = --json ]; then cmd_status_json; return 0; fi
  local c ok pid v
  yn() { if "$@" >/dev/null 2>&1; then echo "running"; else echo "DOWN"; fi; }
  echo "kubefed e2e environment (state: $STATE, binaries: $BIN)"
  printf '  %-34s %s\n' "etcd ($ETCD_URL)" "$(yn etcd_healthy)"
  for c in "${CLUSTERS[@]}"; do
    v=""
    if api_healthy "$c"; then
      v=$(curl -fsS -m 3 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $(cat "$PKI/admin.token")" "$(server_url "$c")/version" 2>/dev/null \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["gitVersion"])' 2>/dev/null || true)
    fi
    printf '  %-34s %s %s\n' "apiserver $c ($(server_url "$c"))" "$(yn api_healthy "$c")" "$v"
    printf '  %-34s %s\n' "kube-controller-manager $c" "$(yn kcm_healthy "$c")"
    printf '  %-34s %s\n' "kube-scheduler $c" "$(yn scheduler_healthy "$c")"
    printf '  %-34s %s\n' "node $NODE of $c (kwok, pods.py)" "$(yn node_healthy "$c")"
  done
  printf '  %-34s %s\n' "KubeFed on host (KubefedControlPlane)" "$(yn kubefed_healthy)"
  echo "  kubeconfigs: $KCFG/{host,member1,member2,all}.yaml"
  echo "  logs: $LOGS   pids: $PIDS"
  echo "  use: eval \"\$($E2E_DIR/env.sh env)\""
  if all_running; then echo "  => running"; else echo "  => NOT running (e2e/env.sh up)"; fi
}

cmd_env() {
  local line
  while IFS= read -r line; do printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"; done < <(pulumi_env)
  printf 'export KUBECONFIG=%q\n' "$KCFG/all.yaml"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) shift; cmd_status "${1:-}" ;;
  env) cmd_env ;;
  latency) shift; take_lock; cmd_latency "${1:-}" ;;
  control-plane) shift; take_lock; cmd_control_plane "${1:-up}" ;;
  *) echo "usage: $0 up|down|status [--json]|env|latency RTT-MS|off|control-plane [up|down]" >&2; exit 2 ;;
esac
