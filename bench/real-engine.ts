// Parts 2-4 of the benchmark (bench/README.md): the real engine against the local clusters of e2e/.
//   node bench/.build/bench/real-engine.js [--members 1,2,4] [--runs 3] [--prefix r1]
// Per N and run: (A) `pulumi up` of bench/real-engine/program from scratch (N members, waitForReady)
// while sampling the RSS of every pulumi-resource-kubernetes process below this one every 200 ms;
// a no-change `pulumi preview`; a preview with one member's replicas changed; destroy + stack rm.
// (B) `kubefedctl join` of N members one after the other, then polling kubectl until every
// KubeFedCluster is Ready; cleanup by deleting exactly the objects the join created (NOT
// `kubefedctl unjoin`: it deletes kube-federation-system in the member, which others share).
// Only bench names: ConfigMap bench-kubefed-config, hosts "bench" / "benchk", members bench-*.
import * as childProcess from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";

// The repo root, from bench/.build/bench/ (tests/helpers/e2e.ts resolves it from its own place, wrong once compiled here).
const ROOT = path.join(__dirname, "..", "..", "..");
type Cluster = "host" | "member1" | "member2";
let cachedEnv: any;
function environment(): { clusters: Record<Cluster, { kubeconfig: string }>; kubeconfigAll: string; binDir: string; kubefedNamespace: string; env: Record<string, string> } {
    if (!cachedEnv) {
        cachedEnv = JSON.parse(childProcess.execFileSync("bash", [path.join(ROOT, "e2e", "env.sh"), "status", "--json"], { encoding: "utf8" }));
        if (!cachedEnv.running) throw new Error("the local environment is not running (npm run e2e:up)");
    }
    return cachedEnv;
}
const kubectl = (c: Cluster, args: string[]) =>
    childProcess.execFileSync(path.join(environment().binDir, "kubectl"), ["--kubeconfig", environment().clusters[c].kubeconfig, ...args], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
const kubectlJSON = (c: Cluster, args: string[]) => JSON.parse(kubectl(c, [...args, "-o", "json"]));
const kubeconfigOf = (c: Cluster) => fs.readFileSync(environment().clusters[c].kubeconfig, "utf8");

const arg = (name: string, dflt: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
};
const NS = arg("members", "1,2,4").split(",").map(Number);
const RUNS = Number(arg("runs", "3"));
const PREFIX = arg("prefix", `p${process.pid}`);
const OUT = arg("json", path.join(ROOT, "bench", ".build", "real-engine.jsonl"));
const PROGRAM = path.join(ROOT, "bench", "real-engine", "program");
const physical = (i: number) => (i % 2 === 0 ? "member1" : "member2");
const pad = (i: number) => String(i + 1).padStart(2, "0");
const now = () => Number(process.hrtime.bigint() / 1000000n);
const load = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** RSS (KiB) of the pulumi-resource-kubernetes processes that descend from this process, every 200 ms. */
function rssSampler() {
    let peakTotal = 0;
    let peakCount = 0;
    const perProcess = new Map<number, number>();
    const sample = () => {
        const rows = childProcess
            .execFileSync("ps", ["-e", "-o", "pid=,ppid=,rss=,args="], { encoding: "utf8" })
            .trim().split("\n").map((l) => l.trim().split(/\s+/));
        const children = new Map<number, number[]>();
        for (const [pid, ppid] of rows) {
            children.set(+ppid, [...(children.get(+ppid) ?? []), +pid]);
        }
        const mine = new Set<number>();
        const stack = [process.pid];
        while (stack.length) {
            for (const c of children.get(stack.pop()!) ?? []) {
                mine.add(c);
                stack.push(c);
            }
        }
        let total = 0;
        let count = 0;
        for (const [pid, , rss, cmd] of rows) {
            if (mine.has(+pid) && path.basename(cmd ?? "") === "pulumi-resource-kubernetes") {
                total += +rss;
                count++;
                perProcess.set(+pid, Math.max(perProcess.get(+pid) ?? 0, +rss));
            }
        }
        if (total > peakTotal) peakTotal = total;
        if (count > peakCount) peakCount = count;
    };
    const timer = setInterval(sample, 200);
    return () => {
        clearInterval(timer);
        const peaks = [...perProcess.values()];
        return { peakTotalKiB: peakTotal, peakCount, processes: peaks.length, sumOfPeaksKiB: peaks.reduce((a, b) => a + b, 0) };
    };
}

async function componentRun(n: number, run: number) {
    const env = environment();
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(env.binDir), skipVersionCheck: true });
    const stackName = `bench-real-${PREFIX}-n${n}-r${run}`;
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: PROGRAM }, { envVars: env.env, pulumiCommand });
    const members = Array.from({ length: n }, (_, i) => ({ name: `bench-${pad(i)}`, cluster: physical(i) } as any));
    await stack.setAllConfig({
        hostKubeconfig: { value: kubeconfigOf("host"), secret: true },
        member1Kubeconfig: { value: kubeconfigOf("member1"), secret: true },
        member2Kubeconfig: { value: kubeconfigOf("member2"), secret: true },
        members: { value: JSON.stringify(members) },
    });
    const r: any = { n, run, stackName };
    try {
        const stop = rssSampler();
        let t = now();
        const up = await stack.up();
        r.upMs = now() - t;
        r.rss = stop();
        if (up.summary.result !== "succeeded") throw new Error(`up: ${up.summary.result}`);
        const notReady = members.filter((m) => !ready(m.name));
        if (notReady.length) throw new Error(`not Ready after up: ${notReady.map((m) => m.name)}`);
        t = now();
        const p0 = await stack.preview();
        r.previewNoChangeMs = now() - t;
        r.previewNoChangeSteps = p0.changeSummary;
        members[0].replicas = 3;
        await stack.setConfig("members", { value: JSON.stringify(members) });
        t = now();
        const p1 = await stack.preview();
        r.previewOneMemberMs = now() - t;
        r.previewOneMemberSteps = p1.changeSummary;
    } finally {
        const t = now();
        await stack.destroy();
        r.destroyMs = now() - t;
        await stack.workspace.removeStack(stackName);
    }
    return r;
}

function ready(name: string): boolean {
    try {
        const c = kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", name, "-n", environment().kubefedNamespace]);
        return (c.status?.conditions ?? []).some((x: any) => x.type === "Ready" && x.status === "True");
    } catch {
        return false;
    }
}

async function kubefedctlRun(n: number, run: number) {
    const env = environment();
    const hostName = `benchk${PREFIX}`.replace(/[^a-z0-9]/g, "").slice(0, 20);
    const names = Array.from({ length: n }, (_, i) => `bench-k${PREFIX}-${run}-${pad(i)}`.toLowerCase());
    const r: any = { n, run, names };
    const runEnv = { ...process.env, ...env.env };
    try {
        const t = now();
        names.forEach((name, i) => {
            childProcess.execFileSync(path.join(env.binDir, "kubefedctl"), ["join", name, "--cluster-context", physical(i),
                "--host-cluster-context", "host", "--host-cluster-name", hostName, "--kubeconfig", env.kubeconfigAll], { env: runEnv, stdio: "pipe" });
        });
        r.joinCommandsMs = now() - t;
        while (!names.every(ready)) {
            if (now() - t > 300000) throw new Error("kubefedctl: not Ready in 300 s");
            await new Promise((res) => setTimeout(res, 200));
        }
        r.readyMs = now() - t;
    } finally {
        // What `kubefedctl join` created, deleted by name (unjoin would delete kube-federation-system in the member).
        const ns = env.kubefedNamespace;
        names.forEach((name, i) => {
            const sa = `${name}-${hostName}`;
            const role = `kubefed-controller-manager:${sa}`;
            const ign = "--ignore-not-found";
            kubectl("host", ["delete", "kubefedclusters.core.kubefed.io", name, "-n", ns, ign]);
            const hostSecrets = kubectl("host", ["get", "secrets", "-n", ns, "-o", "name"]).split("\n").filter((s) => s.startsWith(`secret/${name}-`));
            if (hostSecrets.length) kubectl("host", ["delete", "-n", ns, ign, ...hostSecrets]);
            const m = physical(i) as "member1";
            kubectl(m, ["delete", "clusterrolebinding", role, ign]);
            kubectl(m, ["delete", "clusterrole", role, ign]);
            const memberSecrets = kubectl(m, ["get", "secrets", "-n", ns, "-o", "name"]).split("\n").filter((s) => s.startsWith(`secret/${sa}`));
            if (memberSecrets.length) kubectl(m, ["delete", "-n", ns, ign, ...memberSecrets]);
            kubectl(m, ["delete", "serviceaccount", sa, "-n", ns, ign]);
        });
    }
    return r;
}

async function main() {
    for (const n of NS) {
        for (let run = 1; run <= RUNS; run++) {
            // Alternate which goes first.
            const order = run % 2 === 1 ? ["component", "kubefedctl"] : ["kubefedctl", "component"];
            const rec: any = { n, run, start: new Date().toISOString(), loadBefore: load() };
            for (const which of order) {
                rec[which] = which === "component" ? await componentRun(n, run) : await kubefedctlRun(n, run);
            }
            rec.loadAfter = load();
            fs.appendFileSync(OUT, JSON.stringify(rec) + "\n");
            const c = rec.component;
            console.log(`N=${n} run=${run} up=${c.upMs} kubefedctl=${rec.kubefedctl.readyMs} ratio=${(c.upMs / rec.kubefedctl.readyMs).toFixed(2)} ` +
                `preview0=${c.previewNoChangeMs} preview1=${c.previewOneMemberMs} rssPeak=${(c.rss.peakTotalKiB / 1024).toFixed(0)}MiB procs=${c.rss.processes} load=${rec.loadBefore}`);
        }
    }
}
main().catch((e) => {
    console.error(e);
    process.exit(1);
});
