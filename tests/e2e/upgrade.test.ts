// End to end: a stack deployed by the 0.1.0 release (its compiled package, kept in
// tests/fixtures/kubefed-0.1.0) is upgraded to this version by one `pulumi up`: every resource is
// kept (aliases for the renamed logical names), nothing is replaced or deleted, the KubeFedClusters
// and the members' Deployments are the same objects, and the next preview is empty. The program is
// the example of each version (0.1.0's kept beside its package), as a user upgrading would have it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { configureMembers, environment, formatSteps, kubectlJSON, pendingChanges, removeStacks, ROOT, stepCollector } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const workload = { name: "web", namespace: "upgrade" };
let program: string;
let stack: Stack;

/** Points the program's `@kubefed-iac/kubefed` at a package folder. */
function usePackage(folder: string): void {
    const link = path.join(program, "node_modules", "@kubefed-iac", "kubefed");
    fs.rmSync(link, { force: true });
    fs.symlinkSync(folder, link);
}

/** The UIDs of what must survive the upgrade as the same objects. */
function uids(): Record<string, string> {
    const ns = environment().kubefedNamespace;
    return {
        "kubefedcluster member1": kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", "member1", "-n", ns]).metadata.uid,
        "kubefedcluster member2": kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", "member2", "-n", ns]).metadata.uid,
        "deployment in member1": kubectlJSON("member1", ["get", "deployment", "web", "-n", "upgrade"]).metadata.uid,
        "deployment in member2": kubectlJSON("member2", ["get", "deployment", "web", "-n", "upgrade"]).metadata.uid,
        "service account in member1": kubectlJSON("member1", ["get", "serviceaccount", "member1-host", "-n", ns]).metadata.uid,
    };
}

beforeAll(async () => {
    const env = environment();
    // The example program, outside the repository (whose tsconfig maps the package to src/), with
    // the repository's dependencies and the package under test linked in.
    program = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-upgrade-"));
    fs.copyFileSync(path.join(ROOT, "tests", "fixtures", "kubefed-0.1.0", "example", "index.ts"), path.join(program, "index.ts"));
    fs.copyFileSync(path.join(ROOT, "examples", "basic", "Pulumi.yaml"), path.join(program, "Pulumi.yaml"));
    fs.writeFileSync(path.join(program, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true } }));
    fs.mkdirSync(path.join(program, "node_modules", "@kubefed-iac"), { recursive: true });
    for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
        if (!entry.startsWith(".")) {
            fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(program, "node_modules", entry));
        }
    }
    usePackage(path.join(ROOT, "tests", "fixtures", "kubefed-0.1.0"));
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(env.binDir), skipVersionCheck: true });
    stack = await LocalWorkspace.createOrSelectStack({ stackName: `upgrade-${Date.now()}`, workDir: program }, { envVars: env.env, pulumiCommand });
    await configureMembers(stack, [{ name: "member1" }, { name: "member2", replicas: 2 }], { workload: JSON.stringify(workload) });
});

afterAll(async () => {
    await removeStacks([stack]);
    if (program) {
        fs.rmSync(program, { recursive: true, force: true });
    }
});

test("a stack of 0.1.0 is upgraded by one up: no replace, no delete, the same objects, then an empty preview", async () => {
    const first = await stack.up();
    expect(first.summary.result).toBe("succeeded");
    const before = uids();

    usePackage(ROOT); // this version, as `npm run build` left it in bin/, with its example
    fs.copyFileSync(path.join(ROOT, "examples", "basic", "index.ts"), path.join(program, "index.ts"));
    const preview = stepCollector();
    await stack.preview({ onEvent: preview.onEvent });
    const up = stepCollector();
    const result = await stack.up({ onEvent: up.onEvent });
    expect(result.summary.result).toBe("succeeded");
    for (const steps of [preview.steps, up.steps]) {
        const destructive = steps.filter((s) => !["update", "create"].includes(s.op));
        expect(formatSteps(destructive)).toEqual([]);
        // What is new: the inactive preference only.
        expect(formatSteps(steps.filter((s) => s.op === "create"))).toEqual(["create kubernetes:scheduling.kubefed.io/v1alpha1:ReplicaSchedulingPreference federation/workloads/upgrade/web"]);
    }
    expect(uids()).toEqual(before);
    const pending = await pendingChanges(stack);
    if (pending.length > 0) {
        const state = await stack.exportStack();
        console.log(JSON.stringify(state.deployment.resources.filter((r: any) => r.type.includes("KubeFedCluster")).map((r: any) => ({ urn: r.urn, aliases: r.aliases, labels: r.inputs?.metadata?.labels, ann: r.inputs?.metadata?.annotations })), null, 1));
    }
    expect(pending).toEqual([]);
});
