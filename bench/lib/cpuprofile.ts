// Summaries of V8 .cpuprofile files (what `node --cpu-prof` and node:inspector's Profiler write):
// self time per function, and per origin (which package, or this repository's code).
import * as fs from "fs";

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
}
interface Profile {
    startTime: number;
    nodes: { id: number; callFrame: CallFrame }[];
    samples: number[];
    timeDeltas: number[];
}

export interface SelfTimes {
    /** Sampled time, ms. */
    totalMs: number;
    /** Self time per function (`name origin:line`), ms. */
    byFunction: Map<string, number>;
    /** Self time per origin (package, repository path, or V8/Node pseudo-frame), ms. */
    byOrigin: Map<string, number>;
}

function shortURL(url: string): string {
    return url.replace(/^file:\/\//, "").replace(/.*\/node_modules\//, "").replace(/.*\/bench\/\.build\//, "");
}

/** Which package (or repository path) a frame's code belongs to. */
export function origin(frame: CallFrame): string {
    const url = frame.url;
    if (url === "") {
        // V8 pseudo-frames: (garbage collector), (program), (idle), and native builtins.
        return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
    }
    if (url.startsWith("node:")) {
        return "node internals";
    }
    const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (pkg) {
        return pkg[1];
    }
    const own = url.match(/bench\/\.build\/((?:src|bench|tests)\/[^:]*)/);
    return own ? own[1] : shortURL(url);
}

/** Self times of the samples inside `windowUs` (µs on the profile's clock; default: all samples). */
export function selfTimes(file: string, windowUs?: [number, number]): SelfTimes {
    const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const byFunction = new Map<string, number>();
    const byOrigin = new Map<string, number>();
    let total = 0;
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
        // A sample's delta is the time since the previous one: the time it accounts for.
        at += profile.timeDeltas[i] ?? 0;
        if (windowUs && (at < windowUs[0] || at > windowUs[1])) {
            return;
        }
        const ms = (profile.timeDeltas[i] ?? 0) / 1000;
        const frame = frames.get(id)!;
        const key = `${frame.functionName || "(anonymous)"} ${frame.url ? `${shortURL(frame.url)}:${frame.lineNumber + 1}` : ""}`.trim();
        byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
        const where = origin(frame);
        byOrigin.set(where, (byOrigin.get(where) ?? 0) + ms);
        total += ms;
    });
    return { totalMs: total, byFunction, byOrigin };
}

/** The `limit` largest entries, as Markdown table rows: ms, share of total. */
export function topRows(times: Map<string, number>, totalMs: number, limit: number): string[] {
    return [...times]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([key, ms]) => `| ${ms.toFixed(0)} | ${((100 * ms) / totalMs).toFixed(1)} % | \`${key}\` |`);
}

/** The entries where `a` spends most more than `b`, as Markdown rows: a ms, b ms, a − b ms. */
export function diffRows(a: Map<string, number>, b: Map<string, number>, limit: number): string[] {
    const keys = new Set([...a.keys(), ...b.keys()]);
    return [...keys]
        .map((key): [string, number, number] => [key, a.get(key) ?? 0, b.get(key) ?? 0])
        .sort((x, y) => y[1] - y[2] - (x[1] - x[2]))
        .slice(0, limit)
        .map(([key, x, y]) => `| ${x.toFixed(0)} | ${y.toFixed(0)} | ${(x - y >= 0 ? "+" : "") + (x - y).toFixed(0)} | \`${key}\` |`);
}
