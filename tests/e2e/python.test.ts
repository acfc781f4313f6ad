// End to end, from Python: the SDK generated from schema.json drives the TypeScript component
// through the kubefed provider plugin (provider/pulumi-resource-kubefed), against the local
// clusters, and gives the same outputs as the TypeScript example.
import * as childProcess from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { configureMembers, environment, federationStack, kubeFedClusterNames, kubeFedClusterReady, MemberConfig, plaintextCredentialsIn, removeStacks, ROOT, run, upAndReadOutputs } from "../helpers/e2e";

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

const stacks: Stack[] = [];

afterAll(() => removeStacks(stacks));

test("the Python example joins member1 and member2 with the outputs of the TypeScript example, and no credential in its state", async () => {
    environment();
    preparePython();

    // The TypeScript example first, for its outputs; then the same federation from Python.
    const typescript = await federationStack(`ts-${suffix}`, members);
    stacks.push(typescript);
    const expected = await upAndReadOutputs(typescript);
    await typescript.destroy();

    const python = await federationStack(`py-${suffix}`, members, PYTHON_EXAMPLE);
    stacks.push(python);
    const actual = await upAndReadOutputs(python);
    expect(actual).toEqual(expected);
    expect(actual.clusterNames).toEqual(["member1", "member2"]);
    expect(actual.clusters.member1).toMatchObject({ replicas: 2, labels: { region: "eu" }, ready: true });
    expect(kubeFedClusterReady("member1") && kubeFedClusterReady("member2")).toBe(true);
    // The component's inputs (kubeconfigs included) are in the Python stack's state: encrypted.
    expect(plaintextCredentialsIn(`py-${suffix}`, ["member1", "member2"])).toEqual([]);

    // The resource hooks of orphanWorkloadsOnUnjoin run in the plugin's process too.
    await configureMembers(python, [members[0]], { orphanWorkloadsOnUnjoin: "true" });
    const unjoin = await python.up();
    expect(unjoin.stdout).toContain('member "member2" leaves the federation; left running, no longer managed by KubeFed: nothing');
    expect(kubeFedClusterNames()).toEqual(["member1"]);
});
