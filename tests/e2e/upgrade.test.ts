// End to end: a stack deployed by the 0.1.0 release (its compiled package, kept in
// tests/fixtures/kubefed-0.1.0) is upgraded to this version by one `pulumi up`: every resource is
// kept (aliases for the renamed logical names), nothing is replaced or deleted, the KubeFedClusters
// and the members' Deployments are the same objects, and the next preview is empty. The program is
// the example of each version (0.1.0's kept beside its package), as a user upgrading would have it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { configureMembers, environment, formatSteps, kubectlJSON, pendingChanges, programsDir, removeStacks, ROOT, stepCollector } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const workload = { name: "web", namespace: "upgrade" };
let program: string;
let stack: Stack;

/**
 * Installs a package folder as the program's `@kubefed-iac/kubefed`: copied, not linked, so that
 * it resolves its dependencies from the program's node_modules (one @pulumi/pulumi).
 */
function usePackage(folder: string): void {
    const installed = path.join(program, "node_modules", "@kubefed-iac", "kubefed");
    fs.rmSync(installed, { recursive: true, force: true });
    fs.cpSync(folder, installed, { recursive: true });
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
    // the package under test linked in.
    program = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-upgrade-"));
    fs.copyFileSync(path.join(ROOT, "tests", "fixtures", "kubefed-0.1.0", "example", "index.ts"), path.join(program, "index.ts"));
    fs.copyFileSync(path.join(ROOT, "examples", "basic", "Pulumi.yaml"), path.join(program, "Pulumi.yaml"));
    fs.writeFileSync(path.join(program, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true } }));
    // The dependencies e2e/programs.sh installed next to the packed package of this version.
    fs.mkdirSync(path.join(program, "node_modules", "@kubefed-iac"), { recursive: true });
    const installed = path.join(programsDir(), "node", "node_modules");
    for (const entry of fs.readdirSync(installed)) {
        if (!entry.startsWith(".") && entry !== "@kubefed-iac") {
            fs.symlinkSync(path.join(installed, entry), path.join(program, "node_modules", entry));
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

    usePackage(path.join(programsDir(), "node", "node_modules", "@kubefed-iac", "kubefed")); // this version, its packed tarball installed, with its example
    fs.copyFileSync(path.join(ROOT, "examples", "basic", "index.ts"), path.join(program, "index.ts"));
    const preview = stepCollector();
    await stack.preview({ onEvent: preview.onEvent });
    const up = stepCollector();
    const result = await stack.up({ onEvent: up.onEvent });
    expect(result.summary.result).toBe("succeeded");
    for (const steps of [preview.steps, up.steps]) {
        const destructive = steps.filter((s) => !["update", "create"].includes(s.op));
        expect(formatSteps(destructive)).toEqual([]);
        // What is new: the inactive preference, and (the example passes hostKubeconfig) the
        // release a destroy with a member down runs first, with the kubefed plugin as its provider.
        expect(formatSteps(steps.filter((s) => s.op === "create"))).toEqual([
            "create kubefed:index:UnreachableMemberRelease federation/unreachable-member-release",
            "create kubernetes:scheduling.kubefed.io/v1alpha1:ReplicaSchedulingPreference federation/workloads/upgrade/web",
            "create pulumi:providers:kubefed default_0_2_0_github_/api.github.com/kubefed-iac",
        ]);
    }
    expect(uids()).toEqual(before);
    expect(await pendingChanges(stack)).toEqual([]);
});
