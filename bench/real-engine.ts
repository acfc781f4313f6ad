// Parts 2-4 of the benchmark (bench/README.md): the real engine against the local clusters of e2e/.
//   node bench/.build/bench/real-engine.js [--members 1,2,4] [--runs 3] [--prefix r1] [--json FILE]
//        [--parallel P] [--program ts|transpile-only|js] [--no-wait] [--no-previews] [--no-kubefedctl]
//        [--profile] [--latency RTT-MS] [--light-previews] [--member-providers none|own|passed]
// Per N and run: (A) `pulumi up` of bench/real-engine/program from scratch (N members, waitForReady)
// while sampling /proc (CPU time and RSS per process class, bench/real-engine/procs.ts); a no-change
// `pulumi preview`, a preview with one member's replicas changed, and a no-change one again (each
// timed without engine events, then repeated untimed to record the engine's step per resource);
// destroy + stack rm. (B) `kubefedctl join` of N members one after
// the other, then polling kubectl until every KubeFedCluster is Ready; cleanup by deleting exactly
// the objects the join created (NOT `kubefedctl unjoin`: it deletes kube-federation-system in the
// member, which others share). Only bench names: ConfigMap bench-kubefed-config, hosts "bench" /
// "benchk", members bench-*.
// --profile also keeps, per component run, the engine events of `up` with their arrival time (one
// step per resource: start and end), every process's lifetime and a CPU time series, in
// bench/.build/profile-<stack>.json (bench/real-engine/summarize.py --profile reads them).
// Experiments: --parallel P (`pulumi up/preview --parallel`), --program transpile-only (ts-node
// without type check) or js (the program compiled by `npm run bench`, no ts-node), --no-wait
// (waitForReady off; Ready is then polled after `up` returns).
// --latency RTT-MS: the members (program, KubeFed and kubefedctl alike) through e2e/env.sh's latency
// proxy, which must run with that RTT (bench/latency.ts starts it); --light-previews: only the
// no-change and the one-member preview, timed, without the untimed repetition for engine steps.
// --member-providers own|passed: the program has a kubernetes Provider per member of its own, and
// passes it to the component (passed) or not (own: the component makes its own, as by default).
import * as childProcess from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
// The e2e suites' helpers. Compiled here they resolve the repository as bench/.build, where
// bench/run.sh leaves an e2e/env.sh that forwards to the real one.
import { ClusterName, environment, kubeconfigOf, kubectl, kubectlJSON } from "../tests/helpers/e2e";
import { createSampler, environmentDaemons, SamplerReport } from "./real-engine/procs";

// The repository, from bench/.build/bench/.
const REPO = path.join(__dirname, "..", "..", "..");

// The environment of *this* checkout: e2e/env.sh's status checks the clusters at
// KUBEFED_E2E_IP_PREFIX (default 127.0.10); a worktree started with another prefix would otherwise
// be checked at the default's addresses (someone else's environment). Take it from our kubeconfig.
if (!process.env.KUBEFED_E2E_IP_PREFIX) {
    const state = process.env.KUBEFED_E2E_STATE ?? path.join(REPO, ".e2e");
    const hostKubeconfig = path.join(state, "kubeconfig", "host.yaml");
    const m = fs.existsSync(hostKubeconfig) ? /server:\s*https:\/\/(\d+\.\d+\.\d+)\.\d+:/.exec(fs.readFileSync(hostKubeconfig, "utf8")) : null;
    if (m) process.env.KUBEFED_E2E_IP_PREFIX = m[1];
}
if (!process.env.KUBEFED_E2E_STATE) process.env.KUBEFED_E2E_STATE = path.join(REPO, ".e2e");
const STATE = process.env.KUBEFED_E2E_STATE;

/** environment(), checked: the status's servers are the ones our kubeconfigs point at. */
function env() {
    const e = environment();
    for (const [name, c] of Object.entries(e.clusters)) {
        if (!fs.readFileSync(c.kubeconfig, "utf8").includes(`server: ${c.server}`)) {
            throw new Error(`${c.kubeconfig} does not point at ${c.server} (${name}): set KUBEFED_E2E_IP_PREFIX to this environment's prefix`);
        }
    }
    return e;
}

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : dflt;
};
const flag = (name: string) => argv.includes(`--${name}`);
const NS = arg("members", "1,2,4").split(",").map(Number);
const RUNS = Number(arg("runs", "3"));
const PREFIX = arg("prefix", `p${process.pid}`);
const OUT = arg("json", path.join(REPO, "bench", ".build", "real-engine.jsonl"));
const PARALLEL = argv.includes("--parallel") ? Number(arg("parallel", "0")) : undefined;
const PROGRAM_KIND = arg("program", "ts") as "ts" | "transpile-only" | "js";
const WAIT = !flag("no-wait");
const PREVIEWS = !flag("no-previews");
const KUBEFEDCTL = !flag("no-kubefedctl");
const PROFILE = flag("profile");
const LATENCY = argv.includes("--latency") ? Number(arg("latency", "0")) : undefined;
const LIGHT_PREVIEWS = flag("light-previews");
const MEMBER_PROVIDERS = arg("member-providers", "none");
if (!["none", "own", "passed"].includes(MEMBER_PROVIDERS)) throw new Error(`--member-providers none|own|passed, not ${MEMBER_PROVIDERS}`);
// Through the latency proxy: the kubeconfigs e2e/env.sh latency writes (members at the proxy's port).
const LATENCY_KUBECONFIGS = path.join(STATE, "kubeconfig", "latency");
const memberKubeconfig = (c: ClusterName) => (LATENCY === undefined ? kubeconfigOf(c) : fs.readFileSync(path.join(LATENCY_KUBECONFIGS, `${c}.yaml`), "utf8"));
if (!["ts", "transpile-only", "js"].includes(PROGRAM_KIND)) throw new Error(`--program ts|transpile-only|js, not ${PROGRAM_KIND}`);

const physical = (i: number): ClusterName => (i % 2 === 0 ? "member1" : "member2");
const pad = (i: number) => String(i + 1).padStart(2, "0");
const now = () => Number(process.hrtime.bigint() / 1000000n);
const load = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** The program folder: the TypeScript source, or (js) its compiled form beside a Pulumi.yaml of its own. */
function programDir(): string {
    const source = path.join(REPO, "bench", "real-engine", "program");
    if (PROGRAM_KIND !== "js") return source;
    const compiled = path.join(__dirname, "real-engine", "program");
    if (!fs.existsSync(path.join(compiled, "index.js"))) throw new Error(`${compiled}/index.js missing: compile with npm run bench first`);
    const project = fs.readFileSync(path.join(source, "Pulumi.yaml"), "utf8").replace(/^runtime:.*$/m, "runtime:\n  name: nodejs\n  options:\n    typescript: false").replace(/^main:.*$/m, "main: index.js");
    fs.writeFileSync(path.join(compiled, "Pulumi.yaml"), project);
    return compiled;
}

/** One engine event, reduced to what the profile needs, with its arrival time (ms from `t0`). */
function reduceEvent(e: EngineEvent, t: number): any {
    const step = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata ?? e.resOpFailedEvent?.metadata;
    const kind = Object.keys(e).find((k) => k.endsWith("Event"))!;
    const r: any = { t, kind };
    if (step) Object.assign(r, { op: step.op, type: step.type, name: step.urn.split("::").pop(), diffs: step.diffs });
    if (e.diagnosticEvent) Object.assign(r, { severity: e.diagnosticEvent.severity, message: e.diagnosticEvent.message.slice(0, 300), urn: e.diagnosticEvent.urn });
    return r;
}

/** Steps of a preview from its events: count per op, and every step that is not `same` with its diffs. */
function stepsOf(events: any[]) {
    const pre = events.filter((e) => e.kind === "resourcePreEvent");
    const perOp: Record<string, number> = {};
    for (const e of pre) perOp[e.op] = (perOp[e.op] ?? 0) + 1;
    return { perOp, changed: pre.filter((e) => e.op !== "same").map((e) => `${e.op} ${e.type} ${e.name}${e.diffs?.length ? ` [${e.diffs.join(",")}]` : ""}`) };
}

function readyTimes(names: string[]): Record<string, { ready: boolean; lastTransitionTime?: string; lastProbeTime?: string }> {
    const items = kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", "-n", env().kubefedNamespace]).items as any[];
    const out: Record<string, any> = {};
    for (const name of names) {
        const c = items.find((i) => i.metadata.name === name);
        const cond = (c?.status?.conditions ?? []).find((x: any) => x.type === "Ready");
        out[name] = { ready: cond?.status === "True", lastTransitionTime: cond?.lastTransitionTime, lastProbeTime: cond?.lastProbeTime };
    }
    return out;
}
const allReady = (names: string[]) => Object.values(readyTimes(names)).every((r) => r.ready);

async function pollReady(names: string[], t: number, limitMs = 300000) {
    while (!allReady(names)) {
        if (now() - t > limitMs) throw new Error(`not Ready in ${limitMs / 1000} s: ${names}`);
        await new Promise((res) => setTimeout(res, 200));
    }
    return now() - t;
}

function healthCheck(): unknown {
    try {
        return kubectlJSON("host", ["get", "kubefedconfigs.core.kubefed.io", "kubefed", "-n", env().kubefedNamespace]).spec.clusterHealthCheck;
    } catch {
        return undefined;
    }
}

const sampler = (intervalMs: number) => createSampler({ intervalMs, now, daemons: environmentDaemons(STATE), series: PROFILE });
const compact = (r: SamplerReport) => ({ ...r, series: undefined, children: PROFILE ? r.children : undefined });

async function componentRun(n: number, run: number) {
    const e = env();
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(e.binDir), skipVersionCheck: true });
    const stackName = `bench-real-${PREFIX}-n${n}-r${run}`;
    const envVars = { ...e.env, ...(PROGRAM_KIND === "transpile-only" ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {}) };
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: programDir() }, { envVars, pulumiCommand });
    const members = Array.from({ length: n }, (_, i) => ({ name: `bench-${pad(i)}`, cluster: physical(i) } as { name: string; cluster: string; replicas?: number }));
    await stack.setAllConfig({
        hostKubeconfig: { value: kubeconfigOf("host"), secret: true },
        member1Kubeconfig: { value: memberKubeconfig("member1"), secret: true },
        member2Kubeconfig: { value: memberKubeconfig("member2"), secret: true },
        members: { value: JSON.stringify(members) },
        waitForReady: { value: String(WAIT) },
        memberProviders: { value: MEMBER_PROVIDERS },
    });
    const r: any = { n, run, stackName, program: PROGRAM_KIND, parallel: PARALLEL ?? null, waitForReady: WAIT, rttMs: LATENCY ?? null, memberProviders: MEMBER_PROVIDERS };
    const names = members.map((m) => m.name);
    try {
        const events: any[] = [];
        const s = sampler(PROFILE ? 100 : 200);
        const startedAt = new Date().toISOString();
        const t = now();
        // Engine events cost time (the engine streams them, debug messages included, to this process):
        // only with --profile.
        const up = await stack.up({ parallel: PARALLEL, onEvent: PROFILE ? (ev) => events.push(reduceEvent(ev, now() - t)) : undefined });
        r.upMs = now() - t;
        const sampled = s.stop();
        r.rss = sampled.rss;
        r.cpu = compact(sampled);
        if (up.summary.result !== "succeeded") throw new Error(`up: ${up.summary.result}`);
        r.upSteps = up.summary.resourceChanges;
        // Without waitForReady, the time until every KubeFedCluster is Ready, from the start of `up`.
        r.readyMs = WAIT ? r.upMs : r.upMs + (await pollReady(names, now()));
        const readiness = readyTimes(names);
        const notReady = names.filter((name) => !readiness[name].ready);
        if (notReady.length) throw new Error(`not Ready after up: ${notReady}`);
        if (PROFILE) {
            const file = path.join(path.dirname(OUT), `profile-${stackName}.json`);
            fs.writeFileSync(file, JSON.stringify({ n, run, stackName, program: PROGRAM_KIND, parallel: PARALLEL ?? null, waitForReady: WAIT, startedAt, upMs: r.upMs, readyMs: r.readyMs, healthCheck: healthCheck(), readiness, events, sampler: sampled }, null, 1));
            r.profile = file;
        }
        if (PREVIEWS) {
            // Timed without engine events; then once more, untimed, with them: the engine's step per
            // resource (op, and the properties that differ) is the evidence of what a preview touches.
            const preview = async (key: string) => {
                const tp = now();
                const timed = await stack.preview({ parallel: PARALLEL });
                r[`${key}Ms`] = now() - tp;
                r[`${key}Steps`] = timed.changeSummary;
                if (LIGHT_PREVIEWS) return;
                const events: any[] = [];
                await stack.preview({ parallel: PARALLEL, onEvent: (ev) => events.push(reduceEvent(ev, 0)) });
                r[`${key}EngineSteps`] = stepsOf(events);
            };
            await preview("previewNoChange");
            members[0].replicas = 3;
            await stack.setConfig("members", { value: JSON.stringify(members) });
            await preview("previewOneMember");
            if (!LIGHT_PREVIEWS) {
                // And back: no change again, so that an order effect (first vs later preview) shows.
                members[0].replicas = undefined;
                await stack.setConfig("members", { value: JSON.stringify(members) });
                await preview("previewNoChangeAgain");
            }
        }
    } finally {
        const t = now();
        await stack.destroy();
        r.destroyMs = now() - t;
        await stack.workspace.removeStack(stackName);
    }
    return r;
}

async function kubefedctlRun(n: number, run: number) {
    const e = env();
    const hostName = `benchk${PREFIX}`.replace(/[^a-z0-9]/g, "").slice(0, 20);
    const names = Array.from({ length: n }, (_, i) => `bench-k${PREFIX}-${run}-${pad(i)}`.toLowerCase());
    const r: any = { n, run, names, rttMs: LATENCY ?? null };
    const runEnv = { ...process.env, ...e.env };
    try {
        const s = sampler(200);
        const t = now();
        names.forEach((name, i) => {
            childProcess.execFileSync(path.join(e.binDir, "kubefedctl"), ["join", name, "--cluster-context", physical(i),
                "--host-cluster-context", "host", "--host-cluster-name", hostName, "--kubeconfig", LATENCY === undefined ? e.kubeconfigAll : path.join(LATENCY_KUBECONFIGS, "all.yaml")], { env: runEnv, stdio: "pipe" });
        });
        r.joinCommandsMs = now() - t;
        r.readyMs = await pollReady(names, t);
        r.cpu = compact(s.stop());
        r.readiness = readyTimes(names);
    } finally {
        // What `kubefedctl join` created, deleted by name (unjoin would delete kube-federation-system in the member).
        const ns = e.kubefedNamespace;
        names.forEach((name, i) => {
            const sa = `${name}-${hostName}`;
            const role = `kubefed-controller-manager:${sa}`;
            const ign = "--ignore-not-found";
            kubectl("host", ["delete", "kubefedclusters.core.kubefed.io", name, "-n", ns, ign]);
            const hostSecrets = kubectl("host", ["get", "secrets", "-n", ns, "-o", "name"]).split("\n").filter((x) => x.startsWith(`secret/${name}-`));
            if (hostSecrets.length) kubectl("host", ["delete", "-n", ns, ign, ...hostSecrets]);
            const m = physical(i);
            kubectl(m, ["delete", "clusterrolebinding", role, ign]);
            kubectl(m, ["delete", "clusterrole", role, ign]);
            const memberSecrets = kubectl(m, ["get", "secrets", "-n", ns, "-o", "name"]).split("\n").filter((x) => x.startsWith(`secret/${sa}`));
            if (memberSecrets.length) kubectl(m, ["delete", "-n", ns, ign, ...memberSecrets]);
            kubectl(m, ["delete", "serviceaccount", sa, "-n", ns, ign]);
        });
    }
    return r;
}

async function main() {
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    for (const n of NS) {
        for (let run = 1; run <= RUNS; run++) {
            // Alternate which goes first.
            const order = (run % 2 === 1 ? ["component", "kubefedctl"] : ["kubefedctl", "component"]).filter((w) => KUBEFEDCTL || w === "component");
            const rec: any = { n, run, prefix: PREFIX, rttMs: LATENCY ?? null, start: new Date().toISOString(), loadBefore: load(), healthCheck: healthCheck() };
            for (const which of order) {
                rec[which] = which === "component" ? await componentRun(n, run) : await kubefedctlRun(n, run);
            }
            rec.loadAfter = load();
            fs.appendFileSync(OUT, JSON.stringify(rec) + "\n");
            const c = rec.component;
            const k = rec.kubefedctl;
            const others = (x: any) => (x?.cpu ? (x.cpu.cpuMsByClass["others (not this benchmark)"] / x.cpu.windowMs).toFixed(2) : "-");
            console.log(`${new Date().toISOString().slice(11, 19)}${LATENCY === undefined ? "" : ` RTT=${LATENCY}ms`} N=${n} run=${run} up=${c.upMs}${WAIT ? "" : ` ready=${c.readyMs}`} kubefedctl=${k?.readyMs ?? "-"} ratio=${k ? (c.readyMs / k.readyMs).toFixed(2) : "-"} ` +
                `preview0=${c.previewNoChangeMs ?? "-"} preview1=${c.previewOneMemberMs ?? "-"} rssPeak=${(c.rss.peakTotalKiB / 1024).toFixed(0)}MiB procs=${c.rss.processes} ` +
                `load=${rec.loadBefore} others' cores=${others(c)}/${others(k)}`);
        }
    }
}
main().catch((e) => {
    console.error(e);
    process.exit(1);
});
