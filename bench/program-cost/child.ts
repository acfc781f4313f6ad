// One measurement of bench part 1, in a process of its own (so that its peak RSS is its own):
//
//   node [--cpu-prof ...] bench/.build/bench/program-cost/child.js <component|baseline> <members> [--record]
//
// Sets up Pulumi's mocks, prepares N fixture members, then times the program: from just before
// `new KubefedFederation(...)` (or the baseline's first resource) until every registration has
// been answered by the mock engine (the SDK's waitForRPCs, what `pulumi` awaits before exiting).
// Prints one JSON line. --record also lists every registration (for the same-set check).
// `windowUs` is the timed window on the monotonic clock that V8's .cpuprofile timestamps use, so
// that a profile taken with `node --cpu-prof` can be cut to the window (bench/lib/cpuprofile.ts).
import { performance } from "perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { fixtureKubeconfig, mockState, unwrap } from "../../tests/helpers/mocks";

export interface RecordedRegistration {
    type: string;
    name: string;
    /** Inputs, secret markers stripped. */
    inputs: unknown;
    /** Input paths that were secret. */
    secretPaths: string[];
    /** Logical name of the explicit provider, "" for none. */
    provider: string;
    /** Logical names of the resources this one depends on, sorted. */
    dependencies: string[];
    deleteBeforeReplace: boolean;
    additionalSecretOutputs: string[];
    /** The parent's type: the component's, or the stack's. */
    parentType: string;
}

export interface ChildResult {
    /** component, baseline, or one of experiments.ts. */
    variant: string;
    members: number;
    /** Wall time of the program, ms. */
    ms: number;
    /** CPU time (user + system) of the process during the program, ms: less sensitive than wall time to other load on the machine. */
    cpuMs: number;
    /** Registrations the mock engine answered during the program. */
    registrations: number;
    /** process.resourceUsage().maxRSS at the end, MiB: the peak of the whole process. */
    peakRssMiB: number;
    /** RSS just before the timed window (modules loaded, inputs prepared), MiB. */
    rssBeforeMiB: number;
    /** `type::name` of every registration, sorted. */
    names: string[];
    /** Heap in use after the window and a full GC (only when run with --expose-gc), MiB: what the program retains. */
    retainedHeapMiB?: number;
    /** With --count: promises created during the window (async_hooks), and how many of them the SDK wrapped in debuggablePromise (each captures a stack trace). */
    promises?: number;
    debuggablePromises?: number;
    /** Start and end of the timed window, µs of process.hrtime (CLOCK_MONOTONIC, as .cpuprofile timestamps). */
    windowUs: [number, number];
    recorded?: RecordedRegistration[];
}

function memberName(i: number, n: number): string {
    // Zero-padded, so that the input order is the component's (sorted) order.
    return `member${String(i + 1).padStart(String(n).length, "0")}`;
}

async function main(): Promise<void> {
    const [variant, membersArg, ...flags] = process.argv.slice(2);
    const n = Number(membersArg);
    const { EXPERIMENTS } = require("./experiments") as typeof import("./experiments");
    if (!(variant === "component" || variant === "baseline" || variant in EXPERIMENTS) || !Number.isInteger(n) || n < 0) {
        throw new Error(`usage: child.js <component|baseline|${Object.keys(EXPERIMENTS).join("|")}> <members> [--record]`);
    }
    const record = flags.includes("--record");
    // --count slows the run down: its times are not comparable with the others'.
    const count = flags.includes("--count");
    let promises = 0;
    let debuggablePromises = 0;
    const promiseHook = count ? require("async_hooks").createHook({ init: (_id: number, type: string) => void (type === "PROMISE" && promises++) }) : undefined;
    if (count) {
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };
        const wrap = debuggable.debuggablePromise;
        debuggable.debuggablePromise = (p, ctx) => (debuggablePromises++, wrap(p, ctx));
    }

    const recorded: RecordedRegistration[] = [];
    const options = new Map<string, Omit<RecordedRegistration, "inputs" | "secretPaths" | "provider">>();
    let registrations = 0;
    const names: string[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registrations++;
                names.push(`${args.type}::${args.name}`);
                if (record) {
                    const secretPaths: string[] = [];
                    const inputs = unwrap(args.inputs, "", secretPaths);
                    const provider = args.provider ? args.provider.split("::")[3] : "";
                    recorded.push({ ...options.get(`${args.type}::${args.name}`)!, inputs, secretPaths, provider });
                }
                return { id: `${args.name}-id`, state: { ...args.inputs, ...mockState(args.type, args.inputs) } };
            },
            call: (args) => args.inputs,
        },
        "kubefed-bench",
        "bench",
        false,
    );
    if (record) {
        // What newResource does not see: options and dependencies (as tests/helpers/mocks.ts does).
        const monitor = pulumi.runtime.getMonitor() as any;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: any) => {
            options.set(`${req.getType()}::${req.getName()}`, {
                type: req.getType(),
                name: req.getName(),
                dependencies: (req.getDependenciesList() as string[]).map((urn) => urn.split("::")[3]).sort(),
                deleteBeforeReplace: req.getDeletebeforereplace(),
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                parentType: (req.getParent() as string).split("::")[2]?.split("$").pop() ?? "",
            });
            return register(req, callback);
        };
    }
    // Internal to the SDK (not in its typings): what `pulumi` awaits before the program exits.
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

    // Each variant loads only its own code, so that its RSS is its own.
    const program: import("./experiments").Program =
        variant in EXPERIMENTS
            ? EXPERIMENTS[variant].load()
            : variant === "component"
            ? (() => {
                  const { KubefedFederation } = require("../../src") as typeof import("../../src");
                  return (members: { name: string; kubeconfig: string }[], host: k8s.Provider) => {
                      new KubefedFederation("fed", { clusters: members }, { provider: host });
                  };
              })()
            : (() => {
                  const { baselineFederation } = require("./baseline") as typeof import("./baseline");
                  return (members: { name: string; kubeconfig: string }[], host: k8s.Provider) => baselineFederation("fed", members, host);
              })();
    const members = Array.from({ length: n }, (_, i) => {
        const name = memberName(i, n);
        return { name, kubeconfig: fixtureKubeconfig(name) };
    });

    const rssBefore = process.memoryUsage().rss;
    promiseHook?.enable();
    debuggablePromises = 0;
    const windowStart = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    // The host provider is part of both programs (the README's usage): one registration each.
    const host = new k8s.Provider("host", { kubeconfig: pulumi.secret(fixtureKubeconfig("host")), clusterIdentifier: "kubefed-host" });
    program(members, host);
    await settings.waitForRPCs();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const windowEnd = process.hrtime.bigint();
    promiseHook?.disable();

    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const retained = gc ? process.memoryUsage().heapUsed / 1024 / 1024 : undefined;
    const result: ChildResult = {
        variant,
        members: n,
        ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
        registrations,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        rssBeforeMiB: rssBefore / 1024 / 1024,
        retainedHeapMiB: retained,
        ...(count ? { promises, debuggablePromises } : {}),
        names: names.sort(),
        windowUs: [Number(windowStart / 1000n), Number(windowEnd / 1000n)],
        ...(record ? { recorded } : {}),
    };
    process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
});
