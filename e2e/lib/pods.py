#!/usr/bin/env python3
"""The container runtime of the local environment's simulated node: runs what the pods scheduled
there would run, as local processes, under the identity the cluster gives each pod.

KWOK (sigs.k8s.io/kwok) is the node's kubelet for everything but the containers: it keeps the node
Ready, moves each pod to Running with an address of the node's range (e2e/lib/kwok-stages.yaml),
and deletes pods once they are terminating. This script is the rest: for each Running pod of the
node it
  - after the time a node takes to pull the image (IMAGE_PULL_SECONDS), maps the container's command to a binary built from Go modules (KubeFed's controller-manager and
    admission webhook) or to the machine's own (/bin/bash, with kubectl on PATH, for the chart's
    post-install Job), and refuses any other;
  - gives it the pod's identity: a token of the pod's service account bound to the pod
    (TokenRequest, renewed as the kubelet does), in a kubeconfig whose `tokenFile` the process
    re-reads, and the pod's namespace (what in-cluster config and the service-account namespace
    file give a container);
  - mounts its Secret and ConfigMap volumes as files (kept in step with the objects, as the kubelet
    does, so a rotated webhook certificate reaches the webhook), rewriting the mount paths in the
    command;
  - binds it to the pod's address (pods share this machine's network namespace, so ports are
    per-address), and reports readiness from the container's readinessProbe (HTTP GET) or, without
    one, once it runs; a Job's pod becomes Succeeded or Failed with the process's exit code; other
    processes that exit are restarted, as restartPolicy Always says.

Usage: pods.py --cluster NAME --server URL --ca-file CA --token-file ADMIN-TOKEN --node NODE --state DIR --bin DIR
Logs: one line per event on stdout; each container's output in DIR/<pod>/container.log.
"""
import argparse
import base64
import json
import os
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request

TOKEN_SECONDS = 3600
TOKEN_RENEW_SECONDS = 1800  # the kubelet renews at 80% of the lifetime; sooner is fine
VOLUME_SYNC_SECONDS = 5
# What a node takes to pull a pod's image before its container starts. Starting a process within a
# second of scheduling is faster than any node, and KubeFed v0.10.0's chart has a race that only
# such speed loses: its controller, started before Helm has created the chart's KubeFedConfig,
# creates an empty one itself, and the install then fails (README, "The control plane").
IMAGE_PULL_SECONDS = 8

# What each image's command runs here: the binaries the environment builds, and the machine's shell.
COMMANDS = {
    "/hyperfed/controller-manager": "kubefed-controller-manager",
    "/hyperfed/webhook": "kubefed-webhook",
    "/bin/bash": "/bin/bash",
    "/bin/sh": "/bin/sh",
}


def log(msg):
    print(time.strftime("%H:%M:%S", time.gmtime()), msg, flush=True)


class Api:
    """The admin's access to one API server: the node's agent (the kubelet's role)."""

    def __init__(self, server, ca_file, token_file):
        self.server = server
        with open(ca_file) as f:
            self.ca = f.read()
        with open(token_file) as f:
            self.token = f.read().strip()
        self.ctx = ssl.create_default_context(cadata=self.ca)

    def call(self, method, path, body=None, content_type="application/json"):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.server + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=15) as resp:
                return json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise RuntimeError(f"{method} {path}: {e.code} {e.read()[:300]!r}")


class Container:
    def __init__(self, pod, directory):
        self.uid = pod["metadata"]["uid"]
        self.name = f'{pod["metadata"]["namespace"]}/{pod["metadata"]["name"]}'
        self.dir = directory
        self.proc = None
        self.ready = False
        self.restarts = 0
        self.token_at = 0
        self.volumes_at = 0
        self.next_start = time.time() + IMAGE_PULL_SECONDS
        self.done = False


class Node:
    def __init__(self, args):
        self.args = args
        self.api = Api(args.server, args.ca_file, args.token_file)
        self.containers = {}
        self.stopping = False

    # ------------------------------------------------------------- identity --
    def write_token(self, pod, c):
        ns, sa = pod["metadata"]["namespace"], pod["spec"].get("serviceAccountName", "default")
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {
            "expirationSeconds": TOKEN_SECONDS,
            "boundObjectRef": {"apiVersion": "v1", "kind": "Pod", "name": pod["metadata"]["name"], "uid": c.uid}}}
        out = self.api.call("POST", f"/api/v1/namespaces/{ns}/serviceaccounts/{sa}/token", body)
        if out is None:
            raise RuntimeError(f"service account {ns}/{sa} does not exist")
        atomic_write(os.path.join(c.dir, "token"), out["status"]["token"].encode())
        c.token_at = time.time()

    def write_kubeconfig(self, c):
        ca = os.path.join(c.dir, "ca.crt")
        atomic_write(ca, self.api.ca.encode())
        text = (
            "apiVersion: v1\nkind: Config\n"
            f"clusters:\n- name: in-cluster\n  cluster:\n    server: {self.api.server}\n    certificate-authority: {ca}\n"
            f"users:\n- name: pod\n  user:\n    tokenFile: {os.path.join(c.dir, 'token')}\n"
            "contexts:\n- name: in-cluster\n  context:\n    cluster: in-cluster\n    user: pod\n"
            "current-context: in-cluster\n")
        atomic_write(os.path.join(c.dir, "kubeconfig"), text.encode())

    # -------------------------------------------------------------- volumes --
    def sync_volumes(self, pod, c):
        ns = pod["metadata"]["namespace"]
        for vol in pod["spec"].get("volumes", []):
            target = os.path.join(c.dir, "volumes", vol["name"])
            os.makedirs(target, exist_ok=True)
            files = {}
            if "secret" in vol:
                obj = self.api.call("GET", f'/api/v1/namespaces/{ns}/secrets/{vol["secret"]["secretName"]}')
                files = {k: base64.b64decode(v) for k, v in ((obj or {}).get("data") or {}).items()}
            elif "configMap" in vol:
                obj = self.api.call("GET", f'/api/v1/namespaces/{ns}/configmaps/{vol["configMap"]["name"]}')
                files = {k: v.encode() for k, v in ((obj or {}).get("data") or {}).items()}
            for key, content in files.items():
                path = os.path.join(target, key)
                try:
                    with open(path, "rb") as f:
                        if f.read() == content:
                            continue
                except FileNotFoundError:
                    pass
                atomic_write(path, content)
                if c.proc is not None:
                    log(f"{c.name}: volume {vol['name']}: {key} updated")
        c.volumes_at = time.time()

    def mounts(self, container, c):
        return {m["mountPath"].rstrip("/"): os.path.join(c.dir, "volumes", m["name"]) for m in container.get("volumeMounts", [])}

    # ------------------------------------------------------------- processes --
    def command(self, pod, container, c):
        argv = list(container.get("command", [])) + list(container.get("args", []))
        if not argv or argv[0] not in COMMANDS:
            raise RuntimeError(f"no binary here for the command {argv[:1]} (image {container.get('image')})")
        binary = COMMANDS[argv[0]]
        exe = binary if binary.startswith("/") else os.path.join(self.args.bin, binary)
        mounts = self.mounts(container, c)

        def local(arg):  # a mount path, alone or as a flag's value, becomes the volume's directory
            key, eq, value = arg.rpartition("=") if arg.startswith("-") else ("", "", arg)
            for mount, d in mounts.items():
                if value == mount or value.startswith(mount + "/"):
                    return key + eq + d + value[len(mount):]
            return arg

        argv = [exe] + [local(a) for a in argv[1:]]
        ip = pod["status"]["podIP"]
        kubeconfig = os.path.join(c.dir, "kubeconfig")
        if binary == "kubefed-controller-manager":
            argv += [f"--kubeconfig={kubeconfig}", f'--kubefed-namespace={pod["metadata"]["namespace"]}',
                     f"--healthz-addr={ip}:8080", f"--metrics-addr={ip}:9090"]
        elif binary == "kubefed-webhook":
            argv += [f"--kubeconfig={kubeconfig}", f"--bind-address={ip}"]
        env = {"PATH": f"{self.args.bin}:/usr/bin:/bin", "HOME": c.dir, "KUBECONFIG": kubeconfig,
               "POD_NAME": pod["metadata"]["name"], "POD_NAMESPACE": pod["metadata"]["namespace"]}
        for e in container.get("env", []):
            if "value" in e:
                env[e["name"]] = e["value"]
        return argv, env

    def start(self, pod, c):
        container = pod["spec"]["containers"][0]
        self.write_token(pod, c)
        self.write_kubeconfig(c)
        self.sync_volumes(pod, c)
        argv, env = self.command(pod, container, c)
        out = open(os.path.join(c.dir, "container.log"), "ab")
        out.write(f"==== {time.strftime('%FT%TZ', time.gmtime())} {' '.join(argv)}\n".encode())
        out.flush()
        c.proc = subprocess.Popen(argv, env=env, cwd=c.dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        with open(os.path.join(c.dir, "pid"), "w") as f:
            f.write(str(c.proc.pid))
        c.ready = False
        log(f"{c.name}: started {os.path.basename(argv[0])} (pid {c.proc.pid}) as service account {pod['spec'].get('serviceAccountName', 'default')} on {pod['status']['podIP']}")

    def stop(self, c, why):
        if c.proc is not None and c.proc.poll() is None:
            os.killpg(c.proc.pid, signal.SIGTERM)
            try:
                c.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(c.proc.pid, signal.SIGKILL)
                c.proc.wait()
            log(f"{c.name}: stopped (pid {c.proc.pid}): {why}")
        c.proc = None

    # --------------------------------------------------------------- status --
    def probe(self, pod, container):
        probe = container.get("readinessProbe")
        if not probe:
            return True
        get = probe.get("httpGet")
        if not get:
            return True
        port = get["port"]
        if isinstance(port, str):
            port = next(p["containerPort"] for p in container.get("ports", []) if p.get("name") == port)
        scheme = get.get("scheme", "HTTP").lower()
        url = f'{scheme}://{pod["status"]["podIP"]}:{port}{get.get("path", "/")}'
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # as the kubelet's probes
        try:
            with urllib.request.urlopen(url, context=ctx if scheme == "https" else None, timeout=3) as resp:
                return 200 <= resp.status < 400
        except urllib.error.HTTPError as e:
            return 200 <= e.code < 400
        except Exception:
            return False

    def set_status(self, pod, c, ready=None, exit_code=None):
        container = pod["spec"]["containers"][0]
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        state = {"running": {"startedAt": now}}
        status = {}
        if exit_code is not None:
            state = {"terminated": {"exitCode": exit_code, "reason": "Completed" if exit_code == 0 else "Error", "finishedAt": now}}
            status["phase"] = "Succeeded" if exit_code == 0 else "Failed"
            ready = False
        cond = "True" if ready else "False"
        status["conditions"] = [{"type": t, "status": cond, "lastTransitionTime": now} for t in ("Ready", "ContainersReady")]
        status["containerStatuses"] = [{"name": container["name"], "image": container.get("image", ""), "imageID": "",
                                        "ready": bool(ready), "started": exit_code is None, "restartCount": c.restarts, "state": state}]
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        self.api.call("PATCH", f"/api/v1/namespaces/{ns}/pods/{name}/status", {"status": status}, "application/strategic-merge-patch+json")

    # ----------------------------------------------------------------- loop --
    def pods(self):
        out = self.api.call("GET", f"/api/v1/pods?fieldSelector=spec.nodeName%3D{self.args.node}")
        return (out or {}).get("items", [])

    def step(self):
        live = {}
        for pod in self.pods():
            uid = pod["metadata"]["uid"]
            if pod["metadata"].get("deletionTimestamp") or pod["status"].get("phase") != "Running" or not pod["status"].get("podIP"):
                continue
            live[uid] = pod
        for uid in list(self.containers):
            if uid not in live:
                self.stop(self.containers.pop(uid), "the pod is gone or terminating")
        for uid, pod in live.items():
            c = self.containers.get(uid)
            if c is None:
                c = self.containers[uid] = Container(pod, os.path.join(self.args.state, f'{pod["metadata"]["namespace"]}_{pod["metadata"]["name"]}'))
                os.makedirs(c.dir, exist_ok=True)
            if c.done:
                continue
            try:
                self.tend(pod, c)
            except Exception as e:  # one pod's trouble must not stop the others
                log(f"{c.name}: {e}")
                c.next_start = time.time() + 5

    def tend(self, pod, c):
        container = pod["spec"]["containers"][0]
        now = time.time()
        if c.proc is None:
            if now >= c.next_start:
                self.start(pod, c)
            return
        code = c.proc.poll()
        if code is not None:
            log(f"{c.name}: exited with code {code}")
            c.proc = None
            if pod["spec"].get("restartPolicy", "Always") == "Never" or (pod["spec"].get("restartPolicy") == "OnFailure" and code == 0):
                c.done = True
                self.set_status(pod, c, exit_code=code)
            else:
                c.restarts += 1
                c.ready = False
                c.next_start = now + min(2 ** c.restarts, 30)
                self.set_status(pod, c, ready=False)
            return
        if now - c.token_at > TOKEN_RENEW_SECONDS:
            self.write_token(pod, c)
        if now - c.volumes_at > VOLUME_SYNC_SECONDS:
            self.sync_volumes(pod, c)
        ready = self.probe(pod, container)
        if ready != c.ready:
            self.set_status(pod, c, ready=ready)
            c.ready = ready
            log(f"{c.name}: {'ready' if ready else 'not ready'}")

    def run(self):
        def stop_all(*_):
            self.stopping = True
        signal.signal(signal.SIGTERM, stop_all)
        signal.signal(signal.SIGINT, stop_all)
        log(f"node {self.args.node} of {self.args.cluster}: running the containers of its pods")
        while not self.stopping:
            try:
                self.step()
            except Exception as e:
                log(f"listing the pods of {self.args.node}: {e}")
            for _ in range(10):
                if self.stopping:
                    break
                time.sleep(0.1)
        for c in self.containers.values():
            self.stop(c, "the node stops")


def atomic_write(path, content):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(content)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser()
    for flag in ("--cluster", "--server", "--ca-file", "--token-file", "--node", "--state", "--bin"):
        p.add_argument(flag, required=True)
    args = p.parse_args()
    os.makedirs(args.state, exist_ok=True)
    Node(args).run()


if __name__ == "__main__":
    main()
