// End to end: a stack deployed by an earlier release (its compiled package, kept in
// tests/fixtures/kubefed-<version>) is upgraded to this version by one `pulumi up`: every resource is
// kept (aliases for the renamed logical names), nothing is replaced or deleted, the KubeFedClusters
// and the members' Deployments are the same objects, and the next preview is empty. The program is
// the example of each version (the release's kept beside its package), as a user upgrading would have it.
//
// Releases: 0.1.0 (before the kubefed plugin served anything to TypeScript programs) and 0.2.0 (its
// UnreachableMemberRelease is served by the kubefed plugin 0.2.0, which the stack is created with; the
// upgrade moves it, as `same`, to the default provider of this version's plugin, which
// e2e/programs.sh installed; the engine deletes 0.2.0's default provider then, a provider resource
// only, the one delete of the upgrade).
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { configureMembers, environment, formatSteps, kubectlJSON, pendingChanges, programsDir, removeStacks, ROOT, run, Step, stepCollector } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const workload = { name: "web", namespace: "upgrade" };
const FIXTURES = path.join(ROOT, "tests", "fixtures");
/** The kubefed plugin's default provider of a version, as the engine names it (the package's pluginDownloadURL is part of the name). */
const defaultProvider = (version: string) => `pulumi:providers:kubefed default_${version.replace(/\./g, "_")}_github_/api.github.com/kubefed-iac`;
/** This version's default provider: default_0_4_0_... for 0.4.0. */
const CURRENT_PROVIDER = defaultProvider(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
/** 0.2.0's default provider, which served its release resource. */
const OLD_PROVIDER = defaultProvider("0.2.0");
const RELEASE = "kubefed:index:UnreachableMemberRelease federation/unreachable-member-release";

/** The installed package of this version: its packed tarball, which e2e/programs.sh installed. */
const currentPackage = () => path.join(programsDir(), "node", "node_modules", "@kubefed-iac", "kubefed");

/** Removes an installed kubefed plugin version from the environment's PULUMI_HOME, if it is there. */
function removePlugin(version: string): void {
    try {
        run("pulumi", ["plugin", "rm", "resource", "kubefed", version, "--yes"]);
    } catch {
        // not installed
    }
}

/** A program outside the repository (whose tsconfig maps the package to src/), and its stack. */
interface Upgrade {
    program: string;
    stack: Stack;
}

/**
 * Installs a package folder as the program's `@kubefed-iac/kubefed`: copied, not linked, so that
 * it resolves its dependencies from the program's node_modules (one @pulumi/pulumi).
 */
function usePackage(program: string, folder: string): void {
    const installed = path.join(program, "node_modules", "@kubefed-iac", "kubefed");
    fs.rmSync(installed, { recursive: true, force: true });
    fs.cpSync(folder, installed, { recursive: true });
}

/** The example program of a release (tests/fixtures/kubefed-<version>: its package and example), configured for two members and a workload. */
async function releaseStack(release: string): Promise<Upgrade> {
    const env = environment();
    const program = fs.mkdtempSync(path.join(os.tmpdir(), `kubefed-upgrade-${release}-`));
    fs.copyFileSync(path.join(FIXTURES, `kubefed-${release}`, "example", "index.ts"), path.join(program, "index.ts"));
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
    usePackage(program, path.join(FIXTURES, `kubefed-${release}`));
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(env.binDir), skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: `upgrade-${release.replace(/\./g, "-")}-${Date.now()}`, workDir: program }, { envVars: env.env, pulumiCommand });
    await configureMembers(stack, [{ name: "member1" }, { name: "member2", replicas: 2 }], { workload: JSON.stringify(workload) });
    return { program, stack };
}

/** Switches the program to this version: its installed package, its example. */
function useCurrentVersion(upgrade: Upgrade): void {
    usePackage(upgrade.program, currentPackage());
    fs.copyFileSync(path.join(ROOT, "examples", "basic", "index.ts"), path.join(upgrade.program, "index.ts"));
}

/** Destroys the stack (with whatever version the program has by then) and removes the program. */
async function cleanUp(upgrade: Upgrade | undefined): Promise<void> {
    if (upgrade) {
        await removeStacks([upgrade.stack]);
        fs.rmSync(upgrade.program, { recursive: true, force: true });
    }
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

/** Each step of an update or preview, with the properties it changes, by operation (`same` is never collected). */
function byOp(steps: Step[]): Record<string, string[]> {
    const ops: Record<string, string[]> = {};
    for (const s of steps) {
        (ops[s.op] ??= []).push(`${s.op} ${s.type} ${s.name}${s.diffs.length > 0 ? ` (${s.diffs.join(", ")})` : ""}`);
    }
    return Object.fromEntries(Object.entries(ops).map(([op, lines]) => [op, lines.sort()]));
}

/** The operation of one resource (`<type> <name>`) in an update or preview, `same` included. */
function opOf(resource: string): { onEvent: (event: EngineEvent) => void; op: () => string | undefined } {
    let op: string | undefined;
    return {
        onEvent: (event) => {
            const metadata = event.resourcePreEvent?.metadata;
            if (metadata && `${metadata.type} ${metadata.urn.split("::").pop()}` === resource) {
                op = metadata.op;
            }
        },
        op: () => op,
    };
}

/** The release resource in the stack's state: its id, and the provider it is served by (`<type> <name>`). */
async function releaseInState(stack: Stack): Promise<{ id: string; provider: string } | undefined> {
    const state = await stack.exportStack();
    const resource = (state.deployment.resources ?? []).find((r: any) => `${r.type} ${r.urn.split("::").pop()}` === RELEASE);
    // A provider reference: <urn>::<id>, the urn ending in ::<type>::<name>.
    const [type, name] = resource?.provider.split("::").slice(-3, -1) ?? [];
    return resource && { id: resource.id, provider: `${type} ${name}` };
}

describe("from 0.1.0", () => {
    let upgrade: Upgrade | undefined;
    beforeAll(async () => {
        upgrade = await releaseStack("0.1.0");
    });
    afterAll(async () => cleanUp(upgrade));

    test("a stack of 0.1.0 is upgraded by one up: no replace, no delete, the same objects, then an empty preview", async () => {
        const { stack } = upgrade!;
        const first = await stack.up();
        expect(first.summary.result).toBe("succeeded");
        const before = uids();

        useCurrentVersion(upgrade!);
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
                `create ${RELEASE}`,
                "create kubernetes:scheduling.kubefed.io/v1alpha1:ReplicaSchedulingPreference federation/workloads/upgrade/web",
                `create ${CURRENT_PROVIDER}`,
            ]);
        }
        expect(uids()).toEqual(before);
        expect(await pendingChanges(stack)).toEqual([]);
    });
});

describe("from 0.2.0", () => {
    let upgrade: Upgrade | undefined;
    let pluginDir: string | undefined;
    let archive: string | undefined;
    /** 0.2.0's plugin, into the environment's PULUMI_HOME. */
    const installPlugin = () => {
        removePlugin("0.2.0");
        run("pulumi", ["plugin", "install", "resource", "kubefed", "0.2.0", "--file", archive!]);
    };
    beforeAll(async () => {
        // 0.2.0's plugin, as its release archive has it: the package and a launcher at its root. Its
        // dependencies (0.2.0's lock file pins the same versions as this one's) are the programs'
        // node_modules, through NODE_PATH: an archive's symlink may not point outside the plugin.
        const fixture = path.join(FIXTURES, "kubefed-0.2.0");
        pluginDir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-plugin-0.2.0-"));
        const staging = path.join(pluginDir, "plugin");
        for (const entry of ["bin", "provider", "package.json", "schema.json"]) {
            fs.cpSync(path.join(fixture, entry), path.join(staging, entry), { recursive: true });
        }
        const launcher = path.join(staging, "pulumi-resource-kubefed");
        fs.writeFileSync(
            launcher,
            `#!/bin/sh\n# The kubefed provider plugin 0.2.0, made by tests/e2e/upgrade.test.ts from tests/fixtures/kubefed-0.2.0.\n` +
                `NODE_PATH=${JSON.stringify(path.join(programsDir(), "node", "node_modules"))} exec node "$(dirname "$0")/bin/provider.js" "$@"\n`,
        );
        fs.chmodSync(launcher, 0o755);
        archive = path.join(pluginDir, "pulumi-resource-kubefed-v0.2.0-linux-amd64.tar.gz");
        childProcess.execFileSync("tar", ["-czf", archive, "-C", staging, "."]);
        installPlugin();
        upgrade = await releaseStack("0.2.0");
    });
    afterAll(async () => {
        // A stack that failed to upgrade needs 0.2.0's plugin to be destroyed.
        if (archive) {
            installPlugin();
        }
        await cleanUp(upgrade);
        removePlugin("0.2.0");
        if (pluginDir) {
            fs.rmSync(pluginDir, { recursive: true, force: true });
        }
    });

    test("a stack of 0.2.0 (hostKubeconfig: its release resource on the 0.2.0 plugin) is upgraded by one up: no resource replaced or deleted, the same objects, then an empty preview", async () => {
        const { stack } = upgrade!;
        const first = await stack.up();
        expect(first.summary.result).toBe("succeeded");
        const release = await releaseInState(stack);
        expect(release?.provider).toBe(OLD_PROVIDER);
        const before = uids();

        // The upgrade needs only this version's plugin (e2e/programs.sh installed it): 0.2.0's is
        // removed, and the environment lets the engine download none (PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).
        removePlugin("0.2.0");
        useCurrentVersion(upgrade!);
        const preview = stepCollector();
        const previewRelease = opOf(RELEASE);
        await stack.preview({ onEvent: (e) => (preview.onEvent(e), previewRelease.onEvent(e)) });
        const up = stepCollector();
        const upRelease = opOf(RELEASE);
        const result = await stack.up({ onEvent: (e) => (up.onEvent(e), upRelease.onEvent(e)) });
        expect(result.summary.result).toBe("succeeded");
        for (const steps of [preview.steps, up.steps]) {
            // Nothing is replaced, and no resource deleted. Updated: the federated objects, which
            // now each wait for KubeFed to process their own revision (an annotation, and the
            // waitFor that reads it). Created and deleted: the kubefed package's default provider,
            // which the engine names after its version: this version's is created, and 0.2.0's, no
            // longer referenced, deleted. A provider resource's delete only unloads a plugin: the
            // engine asks nothing of it, and nothing in any cluster is touched.
            const revision = '(metadata.annotations["kubefed-iac.io/revision"], metadata.annotations["pulumi.com/waitFor"])';
            expect(byOp(steps)).toEqual({
                create: [`create ${CURRENT_PROVIDER}`],
                update: [
                    `update kubernetes:types.kubefed.io/v1beta1:FederatedDeployment federation/workloads/upgrade/web ${revision}`,
                    `update kubernetes:types.kubefed.io/v1beta1:FederatedNamespace federation/namespaces/upgrade ${revision}`,
                ],
                delete: [`delete ${OLD_PROVIDER}`],
            });
        }
        // The release moves to the new default provider without a replace: the plugin implements no
        // DiffConfig, so the engine lets the new provider take over, and its diff of the release's
        // inputs (the same) makes the step `same`. It is the same resource, now served by this version's plugin.
        expect([previewRelease.op(), upRelease.op()]).toEqual(["same", "same"]);
        expect(await releaseInState(stack)).toEqual({ id: release!.id, provider: CURRENT_PROVIDER });
        // What `pulumi up` sums up (it leaves default providers out): the two updates, the rest unchanged.
        expect(Object.keys(result.summary.resourceChanges ?? {}).sort()).toEqual(["same", "update"]);
        expect(result.summary.resourceChanges?.update).toBe(2);
        expect(uids()).toEqual(before);
        expect(await pendingChanges(stack)).toEqual([]);
    });
});
