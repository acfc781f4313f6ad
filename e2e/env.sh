#!/usr/bin/env bash
# Local end-to-end environment: one etcd, three Kubernetes API servers (host,
# member1, member2) with a kube-controller-manager each, and the KubeFed
# v0.10.0 control plane on host, all as plain local processes on loopback.
#
#   e2e/env.sh up             build what is missing, start/repair everything (idempotent)
#   e2e/env.sh down           stop the processes `up` started
#   e2e/env.sh status [--json]
#   e2e/env.sh env            print `export ...` lines (eval "$(e2e/env.sh env)")
#   e2e/env.sh latency RTT-MS|off   members also reachable with that round-trip time (bench latency)
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

kubefed_manifests_dir() {
  # the chart's CRDs / templates: <repo>/../shared (CI), /work/shared, or the Go module's charts/
  # (KUBEFED_E2E_CHART_DATA=module forces the Go module's copy)
  local d
  if [ "${KUBEFED_E2E_CHART_DATA:-}" != module ]; then
    for d in "${KUBEFED_E2E_CHART_DATA:-}" "$REPO/../shared/kubefed-v0.10.0" "/work/shared/kubefed-v0.10.0"; do
      if [ -n "$d" ] && [ -f "$d/core-crds.yaml" ]; then echo "shared:$d"; return 0; fi
    done
  fi
  d=$(cd "$E2E_DIR/modules/kubefed" && go list -m -f '{{.Dir}}' sigs.k8s.io/kubefed 2>/dev/null || true)
  if [ -z "$d" ]; then
    (cd "$E2E_DIR/modules/kubefed" && go mod download sigs.k8s.io/kubefed) >/dev/null 2>&1 || true
    d=$(cd "$E2E_DIR/modules/kubefed" && go list -m -f '{{.Dir}}' sigs.k8s.io/kubefed 2>/dev/null || true)
  fi
  [ -n "$d" ] && [ -d "$d/charts" ] && { echo "module:$d/charts/kubefed"; return 0; }
  return 1
}

render_kubefed() { # -> $STATE/kubefed/*.yaml
  local src kind dir out=$STATE/kubefed
  src=$(kubefed_manifests_dir) || die "KubeFed chart data not found (shared/kubefed-v0.10.0 or the sigs.k8s.io/kubefed module)"
  kind=${src%%:*}; dir=${src#*:}
  mkdir -p "$out"
  if [ "$kind" = shared ]; then
    cp "$dir/core-crds.yaml" "$out/00-core-crds.yaml"
    cp "$dir/federated-type-crds.yaml" "$out/01-federated-type-crds.yaml"
    local ftc=$dir/federatedtypeconfig.helm-template.yaml kfc=$dir/kubefedconfig.helm-template.yaml
  else
    cp "$dir/charts/controllermanager/crds/crds.yaml" "$out/00-core-crds.yaml"
    cp "$dir/crds/crds.yaml" "$out/01-federated-type-crds.yaml"
    local ftc=$dir/templates/federatedtypeconfig.yaml kfc=$dir/charts/controllermanager/templates/kubefedconfig.yaml
  fi
  chmod u+w "$out"/*.yaml
  # featureGates: the controllermanager subchart's values.yaml sets it (to a map), so the chart renders that block
  python3 "$E2E_DIR/lib/render_helm.py" "$ftc" --namespace "$KUBEFED_NS" >"$out/10-federatedtypeconfigs.yaml"
  python3 "$E2E_DIR/lib/render_helm.py" "$kfc" --namespace "$KUBEFED_NS" --truthy featureGates >"$out/11-kubefedconfig.yaml"
  echo "$src" >"$out/SOURCE"
}

install_kubefed() {
  render_kubefed
  local out=$STATE/kubefed stamp sum
  sum=$(cat "$out"/*.yaml | sha256sum | cut -c1-16)
  stamp=$(cat "$out/.installed" 2>/dev/null || true)
  if [ "$stamp" = "$sum" ] && kc host get kubefedconfigs.core.kubefed.io kubefed -n "$KUBEFED_NS" >/dev/null 2>&1 \
     && [ "$(kc host get federatedtypeconfigs.core.kubefed.io -n "$KUBEFED_NS" -o name 2>/dev/null | wc -l)" -ge 10 ]; then
    return 0
  fi
  log "installing KubeFed v0.10.0 CRDs, FederatedTypeConfigs and KubeFedConfig on host (from $(cat "$out/SOURCE"))"
  kc host apply --server-side --force-conflicts -f "$out/00-core-crds.yaml" -f "$out/01-federated-type-crds.yaml" >/dev/null
  kc host wait --for=condition=Established --timeout=60s crd --all >/dev/null
  kc host create namespace "$KUBEFED_NS" --dry-run=client -o yaml | kc host apply -f - >/dev/null
  kc host apply --server-side --force-conflicts -n "$KUBEFED_NS" -f "$out/10-federatedtypeconfigs.yaml" -f "$out/11-kubefedconfig.yaml" >/dev/null
  echo "$sum" >"$out/.installed"
}

start_kubefed() {
  local ip; ip=$(cluster_ip host)
  log "starting KubeFed controller-manager against host"
  start_proc kubefed-controller-manager "$BIN/kubefed-controller-manager" \
    --kubeconfig="$KCFG/host.yaml" \
    --kubefed-namespace="$KUBEFED_NS" \
    --healthz-addr="$ip:18080" --metrics-addr="$ip:19090" \
    --v=2
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
  command -v python3 >/dev/null || die "python3 is needed (renders the KubeFed chart templates)"
  mkdir -p "$STATE" "$LOGS" "$PIDS" "$STATE/pulumi-state" "$STATE/pulumi-home"
  if [ "${KUBEFED_E2E_SKIP_BUILD:-0}" != 1 ]; then
    # cluster binaries first: the clusters come up while nothing else is needed
    "$E2E_DIR/build.sh" etcd kube-apiserver kube-controller-manager kubectl kubefed-controller-manager \
      || die "building the cluster binaries failed"
  fi
  local b
  for b in etcd kube-apiserver kube-controller-manager kubectl kubefed-controller-manager; do
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
  install_kubefed
  if ! kubefed_healthy; then
    stop_proc kubefed-controller-manager "$BIN/kubefed-controller-manager"
    start_kubefed
  fi
  for c in "${CLUSTERS[@]}"; do
    wait_proc "kcm-$c" "$BIN/kube-controller-manager" 90 kcm_healthy "$c" || die "kube-controller-manager $c is not healthy; see $LOGS/kcm-$c.log"
  done
  wait_proc kubefed-controller-manager "$BIN/kubefed-controller-manager" 90 kubefed_healthy || die "KubeFed controller-manager is not healthy; see $LOGS/kubefed-controller-manager.log"
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
  local c kcms=() apis=()
  for c in "${CLUSTERS[@]}"; do
    kcms+=("kcm-$c:$BIN/kube-controller-manager"); apis+=("apiserver-$c:$BIN/kube-apiserver")
  done
  stop_procs "latency-proxy:$BIN/latency-proxy" "kubefed-controller-manager:$BIN/kubefed-controller-manager" "${kcms[@]}"
  stop_procs "${apis[@]}"
  stop_proc etcd "$BIN/etcd"
  log "down: stopped (state kept in $STATE; remove it to start from scratch)"
}

all_running() {
  local c
  etcd_healthy || return 1
  for c in "${CLUSTERS[@]}"; do api_healthy "$c" && kcm_healthy "$c" || return 1; done
  kubefed_healthy
}

cmd_status_json() {
  local running=false
  all_running && running=true
  # one python call builds the JSON (key order fixed: other tools parse it)
  pulumi_env | python3 -c '
import json, sys
running, kcfg, ips, binDir, ns = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4], sys.argv[5]
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
    "env": env,
}
print(json.dumps(out, indent=2))
' "$running" "$KCFG" "$(server_url host),$(server_url member1),$(server_url member2)" "$PATH_BIN" "$KUBEFED_NS"
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
  done
  printf '  %-34s %s\n' "kubefed controller-manager (host)" "$(yn kubefed_healthy)"
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
  *) echo "usage: $0 up|down|status [--json]|env|latency RTT-MS|off" >&2; exit 2 ;;
esac
