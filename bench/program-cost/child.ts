// One measurement of bench part 1, in a process of its own (so that its peak RSS is its own):
//
//   node bench/.build/bench/program-cost/child.js <component|baseline> <members> [--record] [--profile <file.cpuprofile>]
//
// Sets up Pulumi's mocks, prepares N fixture members, then times the program: from just before
// `new KubefedFederation(...)` (or the baseline's first resource) until every registration has
// been answered by the mock engine (the SDK's waitForRPCs, what `pulumi` awaits before exiting).
// Prints one JSON line. --record also lists every registration (for the same-set check);
// --profile samples the CPU during the timed window only (V8's sampling profiler, as
// `node --cpu-prof` uses, through node:inspector) and writes a .cpuprofile.
import * as fs from "fs";
import * as inspector from "inspector";
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
    variant: "component" | "baseline";
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
    recorded?: RecordedRegistration[];
}

function memberName(i: number, n: number): string {
    // Zero-padded, so that the input order is the component's (sorted) order.
    return `member${String(i + 1).padStart(String(n).length, "0")}`;
}

async function main(): Promise<void> {
    const [variant, membersArg, ...flags] = process.argv.slice(2);
    const n = Number(membersArg);
    if ((variant !== "component" && variant !== "baseline") || !Number.isInteger(n) || n < 0) {
        throw new Error("usage: child.js <component|baseline> <members> [--record] [--profile <file>]");
    }
    const record = flags.includes("--record");
    const profileFile = flags.includes("--profile") ? flags[flags.indexOf("--profile") + 1] : undefined;

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
    const program =
        variant === "component"
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

    let session: inspector.Session | undefined;
    const post = (method: string, params?: object) =>
        new Promise<any>((resolve, reject) => session!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
    if (profileFile) {
        session = new inspector.Session();
        session.connect();
        await post("Profiler.enable");
        await post("Profiler.setSamplingInterval", { interval: 200 });
        await post("Profiler.start");
    }

    const rssBefore = process.memoryUsage().rss;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    // The host provider is part of both programs (the README's usage): one registration each.
    const host = new k8s.Provider("host", { kubeconfig: pulumi.secret(fixtureKubeconfig("host")), clusterIdentifier: "kubefed-host" });
    program(members, host);
    await settings.waitForRPCs();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);

    if (profileFile) {
        const { profile } = await post("Profiler.stop");
        fs.writeFileSync(profileFile, JSON.stringify(profile));
        session!.disconnect();
    }
    const result: ChildResult = {
        variant,
        members: n,
        ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
        registrations,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        rssBeforeMiB: rssBefore / 1024 / 1024,
        names: names.sort(),
        ...(record ? { recorded } : {}),
    };
    process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
});
