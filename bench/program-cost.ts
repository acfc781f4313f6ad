// Bench part 1: the program cost of KubefedFederation, in process with Pulumi's mocks, against a
// hand-written baseline that registers the same objects (bench/program-cost/baseline.ts).
//
//   node bench/.build/bench/program-cost.js [--members 10,100,1000] [--runs 5,5,3]
//        [--check-inputs 10,100] [--json FILE] [--profile N] [--strict]
//
// 1. Same-set check: for every measured N, the baseline must register exactly the component's
//    children (count, type and name; the component adds only its own registration). For the N of
//    --check-inputs it must also send the same inputs, secrets, providers, dependencies and options.
//    Any difference fails the run (exit 1).
// 2. Timed runs: each in its own child process (bench/program-cost/child.ts), component and baseline
//    alternating (ABBA order) so that drift in the machine's load hits both alike.
// 3. A Markdown table: medians, spread (min–max), component/baseline ratio of the medians and the
//    spread of the per-pair ratios, peak RSS of both; ms per member to judge linearity.
// 4. A load-independent count: promises created during the program (async_hooks), at the N of
//    --count-at (default 10,100; a counted run is slower and not timed), component and baseline.
// --profile N samples the CPU of one run of each variant at N (bench/.build/prof/) and prints the top
// self-time functions and origins, and where the component spends more than the baseline.
// --micro runs program-cost/micro.ts: the component's pure code alone, and promises per Output operation.
// --strict also fails when the goal (ratio ≤ 1.05 at every N) is missed.
// --ablation N [--runs R] [--variants a,b,…] times the variants of program-cost/experiments.ts
// (between the baseline and the component) at N, in rotating order, instead of 1–3.
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ChildResult, RecordedRegistration } from "./program-cost/child";
import { diffRows, selfTimes, topRows } from "./lib/cpuprofile";

const CHILD = path.join(__dirname, "program-cost", "child.js");
const BUILD = path.join(__dirname, "..");
const GOAL_RATIO = 1.05;
type Variant = "component" | "baseline";

function flag(name: string, fallback: string): string {
    const i = process.argv.indexOf(name);
    return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const numbers = (list: string) => (list === "" ? [] : list.split(",").map(Number));

function runChild(variant: Variant, members: number, extra: string[] = [], nodeFlags: string[] = []): ChildResult {
    const result = childProcess.spawnSync(process.execPath, [...nodeFlags, CHILD, variant, String(members), ...extra], { encoding: "utf8", maxBuffer: 1 << 30 });
    if (result.status !== 0) {
        throw new Error(`${variant} N=${members} failed (exit ${result.status ?? result.signal}):\n${result.stderr}`);
    }
    return JSON.parse(result.stdout.trim().split("\n").pop()!) as ChildResult;
}

const COMPONENT_TYPE = "kubefed:index:KubefedFederation";

/** Problems with the baseline's set of registrations, compared with the component's. */
function setProblems(component: ChildResult, baseline: ChildResult): string[] {
    const problems: string[] = [];
    const children = component.names.filter((n) => !n.startsWith(`${COMPONENT_TYPE}::`));
    if (component.names.length !== children.length + 1) {
        problems.push(`the component registered itself ${component.names.length - children.length} times`);
    }
    if (children.length !== baseline.registrations || component.registrations !== baseline.registrations + 1) {
        problems.push(`counts: component ${component.registrations} (${children.length} children), baseline ${baseline.registrations}`);
    }
    const inBaseline = new Set(baseline.names);
    const inComponent = new Set(children);
    const missing = children.filter((n) => !inBaseline.has(n));
    const extra = baseline.names.filter((n) => !inComponent.has(n));
    if (missing.length > 0) {
        problems.push(`baseline lacks ${missing.length}: ${missing.slice(0, 5).join(", ")}`);
    }
    if (extra.length > 0) {
        problems.push(`baseline has ${extra.length} extra: ${extra.slice(0, 5).join(", ")}`);
    }
    return problems;
}

/** JSON with sorted keys: equal values, equal strings. */
function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    );
}

/** Problems with the baseline's registrations, field by field (all but the parent). */
function inputProblems(component: RecordedRegistration[], baseline: RecordedRegistration[]): string[] {
    const problems: string[] = [];
    const byKey = new Map(baseline.map((r) => [`${r.type}::${r.name}`, r]));
    for (const c of component) {
        if (c.type === COMPONENT_TYPE) {
            continue;
        }
        const b = byKey.get(`${c.type}::${c.name}`);
        if (!b) {
            problems.push(`${c.type}::${c.name}: not registered by the baseline`);
            continue;
        }
        for (const field of ["inputs", "secretPaths", "provider", "dependencies", "deleteBeforeReplace", "additionalSecretOutputs"] as const) {
            const [x, y] = [canonical(field === "secretPaths" ? [...c[field]].sort() : c[field]), canonical(field === "secretPaths" ? [...b[field]].sort() : b[field])];
            if (x !== y) {
                problems.push(`${c.type}::${c.name} ${field}: component ${x.slice(0, 300)} — baseline ${y.slice(0, 300)}`);
            }
        }
        // Under the mocks no Stack is registered: the baseline's resources have no parent. The host
        // provider is the program's own in both.
        const expected = c.name === "host" ? ["", ""] : [COMPONENT_TYPE, ""];
        if (c.parentType !== expected[0] || b.parentType !== expected[1]) {
            problems.push(`${c.type}::${c.name}: parents ${c.parentType} / ${b.parentType}`);
        }
    }
    return problems;
}

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const spread = (values: number[], digits = 0) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

interface Measured {
    members: number;
    runs: { component: ChildResult; baseline: ChildResult; order: string }[];
}

function log(message: string): void {
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

function fail(message: string): never {
    log(`FAIL: ${message}`);
    process.exit(1);
}

function profile(members: number): void {
    const dir = path.join(BUILD, "prof");
    fs.mkdirSync(dir, { recursive: true });
    const times: Record<Variant, ReturnType<typeof selfTimes>> = {} as never;
    for (const variant of ["component", "baseline"] as const) {
        // `node --cpu-prof`, cut to the timed window (module loading and input preparation excluded).
        const profDir = fs.mkdtempSync(path.join(dir, `${variant}-${members}-`));
        const r = runChild(variant, members, [], ["--cpu-prof", "--cpu-prof-dir", profDir, "--cpu-prof-interval", "250"]);
        const file = path.join(dir, `${variant}-${members}.cpuprofile`);
        fs.renameSync(path.join(profDir, fs.readdirSync(profDir)[0]), file);
        fs.rmdirSync(profDir);
        times[variant] = selfTimes(file, r.windowUs);
        log(
            `profiled ${variant} N=${members}: ${r.ms.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU, ` +
                `${times[variant].totalMs.toFixed(0)} ms sampled in the window → ${path.relative(process.cwd(), file)}`,
        );
    }
    const out: string[] = [];
    for (const variant of ["component", "baseline"] as const) {
        const t = times[variant];
        out.push(`\n### ${variant}, N=${members}: ${t.totalMs.toFixed(0)} ms sampled\n`, "| self ms | share | origin |", "|---:|---:|---|");
        out.push(...topRows(t.byOrigin, t.totalMs, 12));
        out.push("", "| self ms | share | function |", "|---:|---:|---|", ...topRows(t.byFunction, t.totalMs, 20));
    }
    out.push(`\n### component − baseline, N=${members}\n`, "| component ms | baseline ms | difference | origin |", "|---:|---:|---:|---|");
    out.push(...diffRows(times.component.byOrigin, times.baseline.byOrigin, 12));
    out.push("", "| component ms | baseline ms | difference | function |", "|---:|---:|---:|---|", ...diffRows(times.component.byFunction, times.baseline.byFunction, 25));
    process.stdout.write(out.join("\n") + "\n");
}

/** Differences between two recorded runs, ignoring parents and the components' own registrations. */
function sameRegistrations(a: RecordedRegistration[], b: RecordedRegistration[]): string[] {
    const own = (r: RecordedRegistration) => r.type === COMPONENT_TYPE || r.type.startsWith("bench:");
    const lines = (rs: RecordedRegistration[]) => rs.filter((r) => !own(r)).map((r) => canonical({ ...r, parentType: undefined })).sort();
    const [x, y] = [lines(a), lines(b)];
    const onlyA = x.filter((l) => !y.includes(l));
    const onlyB = y.filter((l) => !x.includes(l));
    return [...onlyA.slice(0, 3).map((l) => `only in the first: ${l.slice(0, 400)}`), ...onlyB.slice(0, 3).map((l) => `only in the second: ${l.slice(0, 400)}`)];
}

function ablation(members: number, runs: number, variants: string[]): void {
    // Every variant must register what its reference registers (the component, or the baseline for the wrapped baseline).
    const reference = { component: runChild("component", 10, ["--record"]), baseline: runChild("baseline", 10, ["--record"]) };
    for (const v of variants.filter((v) => v !== "component" && v !== "baseline")) {
        const ref = v.startsWith("baseline") ? "baseline" : "component";
        const problems = sameRegistrations(runChild(v as Variant, 10, ["--record"]).recorded!, reference[ref].recorded!);
        if (problems.length > 0) {
            fail(`${v} does not register what the ${ref} registers (N=10):\n  ${problems.join("\n  ")}`);
        }
        log(`${v}: same registrations as the ${ref} at N=10 ✓`);
    }
    const results = new Map<string, ChildResult[]>(variants.map((v) => [v, []]));
    for (let r = 0; r < runs; r++) {
        const order = variants.map((_, i) => variants[(i + r) % variants.length]);
        for (const v of order) {
            const result = runChild(v as Variant, members);
            results.get(v)!.push(result);
            log(`ablation N=${members} run ${r + 1}/${runs}: ${v} ${result.ms.toFixed(0)} ms, ${result.cpuMs.toFixed(0)} ms CPU, ${result.peakRssMiB.toFixed(0)} MiB`);
        }
    }
    const med = (v: string, key: "ms" | "cpuMs" | "peakRssMiB") => median(results.get(v)!.map((r) => r[key]));
    const base = results.has("baseline") ? "baseline" : variants[0];
    const { EXPERIMENTS } = require("./program-cost/experiments") as typeof import("./program-cost/experiments");
    const rows = variants.map(
        (v) =>
            `| ${v} | ${med(v, "ms").toFixed(0)} (${spread(results.get(v)!.map((r) => r.ms))}) | ${(med(v, "ms") / med(base, "ms")).toFixed(3)} ` +
            `| ${med(v, "cpuMs").toFixed(0)} | ${(med(v, "cpuMs") / med(base, "cpuMs")).toFixed(3)} | ${med(v, "peakRssMiB").toFixed(0)} | ${EXPERIMENTS[v]?.what ?? ""} |`,
    );
    process.stdout.write(
        [
            `\nablation, N=${members}, ${runs} runs each (rotating order), medians:\n`,
            `| variant | wall ms (min–max) | / ${base} | CPU ms | / ${base} | peak RSS MiB | what |`,
            "|---|---:|---:|---:|---:|---:|---|",
            ...rows,
        ].join("\n") + "\n",
    );
}

function main(): void {
    if (process.argv.includes("--micro")) {
        const result = childProcess.spawnSync(process.execPath, [path.join(__dirname, "program-cost", "micro.js")], { stdio: "inherit" });
        process.exit(result.status ?? 1);
    }
    if (process.argv.includes("--ablation")) {
        const { EXPERIMENTS } = require("./program-cost/experiments") as typeof import("./program-cost/experiments");
        const variants = flag("--variants", ["baseline", ...Object.keys(EXPERIMENTS), "component"].join(",")).split(",");
        ablation(Number(flag("--ablation", "300")), Number(flag("--runs", "5")), variants);
        return;
    }
    const sizes = numbers(flag("--members", "10,100,1000"));
    const runs = numbers(flag("--runs", "5,5,3"));
    const checkInputs = numbers(flag("--check-inputs", "10,100"));
    const jsonFile = flag("--json", path.join(BUILD, "program-cost.json"));
    const profileSizes = numbers(flag("--profile", ""));
    const countAt = numbers(flag("--count-at", "10,100"));
    const started = new Date();

    if (process.argv.includes("--profile") && !process.argv.includes("--members")) {
        profileSizes.forEach(profile);
        return;
    }

    // 1. The full check (inputs, options, dependencies) at small N; counts and names at every N below.
    for (const n of checkInputs) {
        const [c, b] = [runChild("component", n, ["--record"]), runChild("baseline", n, ["--record"])];
        const problems = [...setProblems(c, b), ...inputProblems(c.recorded!, b.recorded!)];
        if (problems.length > 0) {
            fail(`N=${n}: the baseline does not register what the component registers:\n  ${problems.slice(0, 20).join("\n  ")}`);
        }
        log(`N=${n}: same ${b.registrations} registrations (type, name, inputs, secrets, provider, dependencies, options) ✓`);
    }

    // 2. Timed runs.
    const measured: Measured[] = [];
    sizes.forEach((n, i) => {
        const count = runs[i] ?? runs[runs.length - 1];
        const m: Measured = { members: n, runs: [] };
        for (let r = 0; r < count; r++) {
            const order: Variant[] = r % 2 === 0 ? ["component", "baseline"] : ["baseline", "component"];
            const results = Object.fromEntries(order.map((v) => [v, runChild(v, n)])) as Record<Variant, ChildResult>;
            const problems = setProblems(results.component, results.baseline);
            if (problems.length > 0) {
                fail(`N=${n}: the baseline does not register what the component registers:\n  ${problems.join("\n  ")}`);
            }
            m.runs.push({ ...results, order: order.map((v) => v[0]).join("") });
            log(
                `N=${n} run ${r + 1}/${count} (${order.join(" then ")}): component ${results.component.ms.toFixed(0)} ms / ${results.component.peakRssMiB.toFixed(0)} MiB, ` +
                    `baseline ${results.baseline.ms.toFixed(0)} ms / ${results.baseline.peakRssMiB.toFixed(0)} MiB, ${results.baseline.registrations} registrations ✓`,
            );
            // Results without the name lists (large at N=1000).
            for (const v of order) {
                (results[v] as Partial<ChildResult>).names = undefined;
            }
        }
        measured.push(m);
    });

    // 3. The table.
    const rows: string[] = [];
    let goalMet = true;
    const summary = measured.map((m) => {
        const get = (v: Variant, key: "ms" | "cpuMs" | "peakRssMiB") => m.runs.map((r) => r[v][key]);
        const s = {
            members: m.members,
            runs: m.runs.length,
            registrations: m.runs[0].baseline.registrations,
            component: { ms: median(get("component", "ms")), cpuMs: median(get("component", "cpuMs")), peakRssMiB: median(get("component", "peakRssMiB")) },
            baseline: { ms: median(get("baseline", "ms")), cpuMs: median(get("baseline", "cpuMs")), peakRssMiB: median(get("baseline", "peakRssMiB")) },
            pairRatios: m.runs.map((r) => r.component.ms / r.baseline.ms),
            pairCpuRatios: m.runs.map((r) => r.component.cpuMs / r.baseline.cpuMs),
        };
        const ratio = s.component.ms / s.baseline.ms;
        const cpuRatio = s.component.cpuMs / s.baseline.cpuMs;
        goalMet &&= ratio <= GOAL_RATIO;
        rows.push(
            `| ${m.members} | ${s.runs} | ${s.registrations + 1} / ${s.registrations} ` +
                `| ${s.component.ms.toFixed(0)} (${spread(get("component", "ms"))}) | ${s.baseline.ms.toFixed(0)} (${spread(get("baseline", "ms"))}) ` +
                `| **${ratio.toFixed(2)}** (pairs ${spread(s.pairRatios, 2)}) ` +
                `| ${s.component.cpuMs.toFixed(0)} / ${s.baseline.cpuMs.toFixed(0)} = ${cpuRatio.toFixed(2)} (pairs ${spread(s.pairCpuRatios, 2)}) ` +
                `| ${s.component.peakRssMiB.toFixed(0)} (${spread(get("component", "peakRssMiB"))}) | ${s.baseline.peakRssMiB.toFixed(0)} (${spread(get("baseline", "peakRssMiB"))}) ` +
                `| ${(s.component.ms / m.members).toFixed(1)} / ${(s.baseline.ms / m.members).toFixed(1)} |`,
        );
        return { ...s, ratio, cpuRatio };
    });
    const table = [
        "| N | runs | registrations (component / baseline) | component ms, median (min–max) | baseline ms, median (min–max) | ratio of medians (per-pair min–max) | CPU ms component / baseline = ratio | component peak RSS MiB | baseline peak RSS MiB | ms per member (component / baseline) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ...rows,
    ].join("\n");
    process.stdout.write(`\n${table}\n\n`);
    process.stdout.write(
        `goal (component/baseline ≤ ${GOAL_RATIO} at every N): ${goalMet ? "met" : "MISSED"}\n` +
            `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ` +
            `${started.toISOString()} – ${new Date().toISOString()}\n`,
    );
    // 4. Promises: what the SDK's machinery costs scales with them, whatever the load of the machine.
    const counts = countAt.map((n) => {
        const [c, b] = [runChild("component", n, ["--count"]), runChild("baseline", n, ["--count"])];
        return { members: n, component: { promises: c.promises!, debuggablePromises: c.debuggablePromises! }, baseline: { promises: b.promises!, debuggablePromises: b.debuggablePromises! }, registrations: b.registrations };
    });
    if (counts.length > 0) {
        process.stdout.write(
            [
                "\n| N | promises component / baseline = ratio | per member, component − baseline | of which debuggablePromise (stack trace) component / baseline |",
                "|---:|---:|---:|---:|",
                ...counts.map(
                    (c) =>
                        `| ${c.members} | ${c.component.promises} / ${c.baseline.promises} = ${(c.component.promises / c.baseline.promises).toFixed(3)} ` +
                        `| ${((c.component.promises - c.baseline.promises) / c.members).toFixed(0)} | ${c.component.debuggablePromises} / ${c.baseline.debuggablePromises} |`,
                ),
            ].join("\n") + "\n",
        );
    }
    fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
    fs.writeFileSync(
        jsonFile,
        JSON.stringify({ started: started.toISOString(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), summary, counts, measured }, null, 1) + "\n",
    );
    log(`raw results: ${path.relative(process.cwd(), jsonFile)}`);

    profileSizes.forEach(profile);
    if (!goalMet && process.argv.includes("--strict")) {
        fail("the component/baseline ratio exceeds the goal");
    }
}

main();
