// Part 5 of the benchmark (bench/README.md, issue #13): the real engine against members that are far
// away. For each RTT, e2e/env.sh latency RTT puts member1 and member2 behind the latency proxy
// (e2e/modules/latency-proxy: each direction delayed by RTT/2), then bench/real-engine.js runs with
// --latency RTT: `pulumi up` of N members against `kubefedctl join` × N, on the same proxied
// endpoints, in the same run, and a no-change and a one-member preview.
//   npm run bench -- latency [--rtts 0,25,100] [--members 1,4,8,16] [--runs 3] [--json FILE] [REAL-ENGINE OPTIONS...]
// Appends one JSON line per (RTT, N, run) to FILE (bench/.build/latency.jsonl);
// bench/real-engine/summarize.py FILE prints a table per RTT, --latency-plot the plot.
import * as childProcess from "child_process";
import * as path from "path";

const REPO = path.join(__dirname, "..", "..", "..");
const argv = process.argv.slice(2);
const take = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return dflt;
    const [, value] = argv.splice(i, 2);
    return value;
};
const RTTS = take("rtts", "0,25,100").split(",").map(Number);
const MEMBERS = take("members", "1,4,8,16");
const RUNS = take("runs", "3");
const OUT = take("json", path.join(REPO, "bench", ".build", "latency.jsonl"));
if (RTTS.some((r) => !Number.isInteger(r) || r < 0)) throw new Error(`--rtts: whole milliseconds, not ${RTTS}`);

const envSh = (...args: string[]) => childProcess.execFileSync("bash", [path.join(REPO, "e2e", "env.sh"), ...args], { stdio: "inherit" });
try {
    for (const rtt of RTTS) {
        console.log(`== latency: RTT ${rtt} ms, N = ${MEMBERS}, ${RUNS} runs each, results appended to ${OUT}`);
        envSh("latency", String(rtt));
        childProcess.execFileSync(
            process.execPath,
            [path.join(__dirname, "real-engine.js"), "--latency", String(rtt), "--members", MEMBERS, "--runs", RUNS, "--json", OUT, "--prefix", `l${rtt}`, "--light-previews", ...argv],
            { stdio: "inherit" },
        );
    }
} finally {
    envSh("latency", "off");
}
