// Micro-measurements behind docs/performance.md (`program-cost.ts --micro`), in one process:
// 1. the component's own pure code on 1000 fixture members, without Pulumi (validation, endpoint);
// 2. how many promises single Output operations create under the mocks (async_hooks).
import * as asyncHooks from "async_hooks";
import { performance } from "perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { fixtureKubeconfig } from "../../tests/helpers/mocks";
import { resolveMemberEndpoint } from "../../src/endpoint";
import { validateFederationArgs } from "../../src/validate";

function timed(label: string, f: () => void, reps = 5): string {
    const ms: number[] = [];
    for (let r = 0; r < reps; r++) {
        const start = performance.now();
        f();
        ms.push(performance.now() - start);
    }
    return `| ${label} | ${ms.map((x) => x.toFixed(1)).join(", ")} |`;
}

async function promisesOf(label: string, f: () => unknown): Promise<string> {
    let count = 0;
    const hook = asyncHooks.createHook({ init: (_id, type) => void (type === "PROMISE" && count++) });
    await new Promise((r) => setTimeout(r, 10));
    hook.enable();
    f();
    await new Promise((r) => setTimeout(r, 50)); // let every continuation run
    hook.disable();
    return `| \`${label}\` | ${count} |`;
}

async function main(): Promise<void> {
    const n = 1000;
    const members = Array.from({ length: n }, (_, i) => {
        const name = `member${String(i + 1).padStart(4, "0")}`;
        return { name, kubeconfig: fixtureKubeconfig(name) };
    });
    const out = [`| own code, ${n} members | ms per run (5 runs) |`, "|---|---|"];
    out.push(timed("validateFederationArgs", () => validateFederationArgs("fed", { clusters: members })));
    out.push(timed("resolveMemberEndpoint × N", () => members.forEach((m) => resolveMemberEndpoint(m.name, { kubeconfig: m.kubeconfig }))));

    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: "id", state: a.inputs }), call: (a) => a.inputs }, "p", "s", false);
    const o = pulumi.output("x");
    const hundred = Array.from({ length: 100 }, () => pulumi.output("z"));
    out.push("", "| Output operation (mocks) | promises created |", "|---|---:|");
    out.push(await promisesOf("pulumi.output(plain)", () => pulumi.output("x")));
    out.push(await promisesOf("pulumi.secret(plain)", () => pulumi.secret("x")));
    out.push(await promisesOf("o.apply(f)", () => o.apply((x) => x + "y")));
    out.push(await promisesOf("pulumi.unsecret(o)", () => pulumi.unsecret(o)));
    out.push(await promisesOf("pulumi.all([o, plain, undefined]).apply(f)", () => pulumi.all([o, "a", undefined]).apply(([a]) => a)));
    out.push(await promisesOf("pulumi.all([o, o])", () => pulumi.all([o, o])));
    out.push(await promisesOf("pulumi.all(100 Outputs).apply(f)", () => pulumi.all(hundred).apply((x) => x.length)));
    process.stdout.write(out.join("\n") + "\n");
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
