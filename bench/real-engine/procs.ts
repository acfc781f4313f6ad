// Samples /proc during a window of bench parts 2-4 (bench/real-engine.ts): CPU time and RSS per
// process class, and the lifetime of every process below the driver (Pulumi CLI, language host,
// the Node.js program, the kubernetes provider plugins, kubectl/kubefedctl). Reads files only (no
// `ps` fork per sample). Linux only: USER_HZ = 100 and 4 KiB pages assumed (checked at start).
import * as fs from "fs";
import * as path from "path";

const TICK_MS = 10;
const PAGE_KIB = 4;

interface Stat {
    pid: number;
    comm: string;
    ppid: number;
    /** utime + stime, ticks */
    ticks: number;
    /** start, ticks since boot */
    start: number;
    rssKiB: number;
}

function readStat(pid: number): Stat | undefined {
    let s: string;
    try {
        s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
        return undefined; // exited
    }
    const close = s.lastIndexOf(")");
    const f = s.slice(close + 2).split(" "); // f[0] is field 3 (state)
    return { pid, comm: s.slice(s.indexOf("(") + 1, close), ppid: +f[1], ticks: +f[11] + +f[12], start: +f[19], rssKiB: +f[21] * PAGE_KIB };
}

function argv0(pid: number): string {
    try {
        return path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]);
    } catch {
        return "";
    }
}

function shortCmdline(pid: number): string {
    try {
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        return [path.basename(args[0] ?? ""), ...args.slice(1, 4)].join(" ").slice(0, 120);
    } catch {
        return "";
    }
}

/** busy and total jiffies of the whole machine (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
}

/** Classes of the local environment's daemons, from the pid files of e2e/env.sh. */
export function environmentDaemons(stateDir: string): Map<number, string> {
    const daemons = new Map<number, string>();
    const dir = path.join(stateDir, "pids");
    for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        const pid = Number(fs.readFileSync(path.join(dir, file), "utf8").trim());
        const name = file.replace(/\.pid$/, "");
        const cls = name.startsWith("apiserver-") ? "kube-apiservers" : name.startsWith("kcm-") ? "kube-controller-managers" : name === "etcd" ? "etcd" : name.startsWith("kubefed") ? "kubefed controller" : name;
        if (pid > 0) daemons.set(pid, cls);
    }
    return daemons;
}

/** The class of a process below the driver, by its executable. */
function childClass(exe: string): string {
    if (exe === "pulumi") return "pulumi CLI/engine";
    if (exe.startsWith("pulumi-language-")) return "language host";
    if (exe === "node") return "Node.js program";
    if (exe.startsWith("pulumi-resource-kubernetes")) return "kubernetes provider";
    if (exe === "kubectl" || exe === "kubefedctl") return exe;
    return exe || "other child";
}

export interface ProcessLife {
    pid: number;
    cls: string;
    cmd: string;
    /** ms on the driver's clock (see `now` of createSampler) */
    startMs: number;
    lastSeenMs: number;
    cpuMs: number;
    peakRssKiB: number;
}

export interface SamplerReport {
    intervalMs: number;
    windowMs: number;
    /** CPU ms per class in the window; "unattributed" = machine busy time minus every sampled process */
    cpuMsByClass: Record<string, number>;
    machineBusyMs: number;
    /** cores × window */
    machineCapacityMs: number;
    /** processes below the driver that were seen, in start order */
    children: ProcessLife[];
    /** the kubernetes provider processes: peak of their summed RSS, most alive at once, count, sum of each one's peak */
    rss: { peakTotalKiB: number; peakCount: number; processes: number; sumOfPeaksKiB: number };
    /** peak RSS per class of the driver's descendants (sum over that class's live processes) */
    peakRssKiBByClass: Record<string, number>;
    /** per sample: t (ms from the window start) and CPU ms per class since the previous sample */
    series: { t: number; cpuMs: Record<string, number> }[];
}

/**
 * Starts sampling every `intervalMs`. `now` is the driver's monotonic clock in ms; the report's
 * times are on it. CPU is counted from the window start (processes that exist then) or from their
 * birth; a process is counted until its last sample (up to one interval of its end is lost; a
 * process that lives less than an interval may be missed — that shows as "unattributed").
 */
export function createSampler(opts: { intervalMs: number; now: () => number; daemons: Map<number, string>; series?: boolean }) {
    const { intervalMs, now, daemons } = opts;
    const driver = process.pid;
    const bootOffsetMs = () => now() - Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
    const offset = bootOffsetMs();
    const t0 = now();
    const m0 = machineTicks();
    const cores = fs.readFileSync("/proc/stat", "utf8").split("\n").filter((l) => /^cpu\d+ /.test(l)).length;
    const base = new Map<number, number>(); // ticks at window start (or 0 if born later)
    const last = new Map<number, Stat>();
    const cls = new Map<number, string>();
    const lives = new Map<number, ProcessLife>();
    const prevClassCpu: Record<string, number> = {};
    const series: SamplerReport["series"] = [];
    const providerPeaks = new Map<number, number>();
    let providerPeakTotal = 0;
    let providerPeakCount = 0;
    const peakRssByClass: Record<string, number> = {};
    let first = true;

    const classCpu = () => {
        const out: Record<string, number> = {};
        for (const [pid, st] of last) {
            const c = cls.get(pid)!;
            out[c] = (out[c] ?? 0) + (st.ticks - (base.get(pid) ?? 0)) * TICK_MS;
        }
        return out;
    };

    const sample = () => {
        const t = now();
        const stats = new Map<number, Stat>();
        for (const entry of fs.readdirSync("/proc")) {
            if (/^\d+$/.test(entry)) {
                const st = readStat(+entry);
                if (st) stats.set(st.pid, st);
            }
        }
        // descendants of the driver
        const kids = new Map<number, number[]>();
        for (const st of stats.values()) kids.set(st.ppid, [...(kids.get(st.ppid) ?? []), st.pid]);
        const mine = new Set<number>();
        const stack = [driver];
        while (stack.length) {
            for (const c of kids.get(stack.pop()!) ?? []) {
                mine.add(c);
                stack.push(c);
            }
        }
        const rssNow: Record<string, number> = {};
        let provTotal = 0;
        let provCount = 0;
        for (const st of stats.values()) {
            let c = cls.get(st.pid);
            if (c === undefined || last.get(st.pid)?.start !== st.start) {
                c = st.pid === driver ? "bench driver" : daemons.get(st.pid) ?? (mine.has(st.pid) ? childClass(argv0(st.pid)) : "others (not this benchmark)");
                cls.set(st.pid, c);
                const startMs = offset + st.start * TICK_MS;
                // CPU before the window is not counted: from the first sample for what exists then, from birth after.
                base.set(st.pid, first || startMs < t0 - 1000 ? st.ticks : 0);
                if (mine.has(st.pid)) lives.set(st.pid, { pid: st.pid, cls: c, cmd: shortCmdline(st.pid), startMs, lastSeenMs: t, cpuMs: 0, peakRssKiB: 0 });
            }
            last.set(st.pid, st);
            const life = lives.get(st.pid);
            if (life) {
                life.lastSeenMs = t;
                life.cpuMs = (st.ticks - (base.get(st.pid) ?? 0)) * TICK_MS;
                life.peakRssKiB = Math.max(life.peakRssKiB, st.rssKiB);
                rssNow[c] = (rssNow[c] ?? 0) + st.rssKiB;
            }
            if (mine.has(st.pid) && c === "kubernetes provider") {
                provTotal += st.rssKiB;
                provCount++;
                providerPeaks.set(st.pid, Math.max(providerPeaks.get(st.pid) ?? 0, st.rssKiB));
            }
        }
        for (const [c, kib] of Object.entries(rssNow)) peakRssByClass[c] = Math.max(peakRssByClass[c] ?? 0, kib);
        providerPeakTotal = Math.max(providerPeakTotal, provTotal);
        providerPeakCount = Math.max(providerPeakCount, provCount);
        if (opts.series !== false) {
            const now_ = classCpu();
            const delta: Record<string, number> = {};
            for (const [c, v] of Object.entries(now_)) {
                const d = v - (prevClassCpu[c] ?? 0);
                if (d > 0) delta[c] = d;
                prevClassCpu[c] = v;
            }
            if (!first) series.push({ t: t - t0, cpuMs: delta });
        }
        first = false;
    };
    sample();
    const timer = setInterval(sample, intervalMs);
    return {
        stop(): SamplerReport {
            clearInterval(timer);
            sample();
            const windowMs = now() - t0;
            const m1 = machineTicks();
            const cpuMsByClass = classCpu();
            const machineBusyMs = (m1.busy - m0.busy) * TICK_MS;
            const attributed = Object.values(cpuMsByClass).reduce((a, b) => a + b, 0);
            cpuMsByClass["unattributed"] = Math.max(0, machineBusyMs - attributed);
            const peaks = [...providerPeaks.values()];
            return {
                intervalMs,
                windowMs,
                cpuMsByClass,
                machineBusyMs,
                machineCapacityMs: cores * windowMs,
                children: [...lives.values()].sort((a, b) => a.startMs - b.startMs).map((l) => ({ ...l, startMs: l.startMs - t0, lastSeenMs: l.lastSeenMs - t0 })),
                rss: { peakTotalKiB: providerPeakTotal, peakCount: providerPeakCount, processes: peaks.length, sumOfPeaksKiB: peaks.reduce((a, b) => a + b, 0) },
                peakRssKiBByClass: peakRssByClass,
                series,
            };
        },
    };
}
