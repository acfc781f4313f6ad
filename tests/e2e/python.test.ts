// End to end, from Python: the SDK generated from schema.json drives the TypeScript component
// through the kubefed provider plugin (provider/pulumi-resource-kubefed), against the local
// clusters, and gives the same outputs as the TypeScript example.
import * as childProcess from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { environment, federationStack, kubectlJSON, MemberConfig, ROOT, run, stateFilesOf } from "../helpers/e2e";

jest.setTimeout(20 * 60 * 1000);

const PYTHON_EXAMPLE = path.join(ROOT, "examples", "python");
const members: MemberConfig[] = [{ name: "member1", replicas: 2, labels: { region: "eu" } }, { name: "member2" }];
const suffix = Date.now();

/** Generates the Python SDK from schema.json and installs the example's requirements into its venv. */
function preparePython(): void {
    run("pulumi", ["package", "gen-sdk", path.join(ROOT, "schema.json"), "--language", "python", "--out", path.join(ROOT, "sdk")]);
    const venv = path.join(PYTHON_EXAMPLE, "venv");
    if (!fs.existsSync(path.join(venv, "bin", "python"))) {
        childProcess.execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
    }
    childProcess.execFileSync(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"], {
        cwd: PYTHON_EXAMPLE,
        stdio: "inherit",
    });
}

async function upAndRead(stack: Stack) {
    const result = await stack.up();
    expect(result.summary.result).toBe("succeeded");
    const outputs = await stack.outputs();
    return { clusterNames: outputs.clusterNames.value, clusters: outputs.clusters.value };
}

function ready(name: string): boolean {
    const cluster = kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", name, "-n", "kube-federation-system"]);
    return (cluster.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
}

const stacks: Stack[] = [];

afterAll(async () => {
    for (const stack of stacks) {
        await stack.destroy().catch(() => undefined);
        await stack.workspace.removeStack(stack.name).catch(() => undefined);
    }
});

test("the Python example joins member1 and member2 with the outputs of the TypeScript example, and no credential in its state", async () => {
    environment();
    preparePython();

    // The TypeScript example first, for its outputs; then the same federation from Python.
    const typescript = await federationStack(`ts-${suffix}`, members);
    stacks.push(typescript);
    const expected = await upAndRead(typescript);
    await typescript.destroy();

    const python = await federationStack(`py-${suffix}`, members, PYTHON_EXAMPLE);
    stacks.push(python);
    const actual = await upAndRead(python);
    expect(actual).toEqual(expected);
    expect(actual.clusterNames).toEqual(["member1", "member2"]);
    expect(actual.clusters.member1).toMatchObject({ replicas: 2, labels: { region: "eu" }, ready: true });
    expect(ready("member1") && ready("member2")).toBe(true);

    // The component's inputs (kubeconfigs included) are in the Python stack's state: encrypted.
    const state = stateFilesOf(`py-${suffix}`);
    for (const m of ["member1", "member2"] as const) {
        const token = kubectlJSON(m, ["get", "secret", `${m}-host`, "-n", "kube-federation-system"]).data.token;
        const kubeconfig = fs.readFileSync(environment().clusters[m].kubeconfig, "utf8");
        const adminToken = kubeconfig.match(/token: (\S+)/)![1];
        for (const credential of [token, Buffer.from(token, "base64").toString("utf8"), adminToken]) {
            expect(state.includes(credential)).toBe(false);
        }
    }
});
