// End to end, from Python: the SDK generated from schema.json, installed as its wheel, drives the
// TypeScript component through the kubefed provider plugin as `pulumi plugin install` installed
// it (both from dist/, e2e/programs.sh), against the local clusters, and gives the same outputs as
// the TypeScript example.
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import {
    configureMembers,
    deploymentReplicas,
    environment,
    exampleProgram,
    federationStack,
    kubectl,
    kubeFedClusterNames,
    kubeFedClusterReady,
    MemberConfig,
    plaintextCredentialsIn,
    previewSteps,
    removeStacks,
    run,
    upAndReadOutputs,
} from "../helpers/e2e";

jest.setTimeout(20 * 60 * 1000);

const members: MemberConfig[] = [{ name: "member1", replicas: 2, labels: { region: "eu" } }, { name: "member2" }];
const suffix = Date.now();

const stacks: Stack[] = [];

afterAll(async () => {
    await removeStacks(stacks);
    for (const member of ["member1", "member2"] as const) {
        kubectl(member, ["delete", "namespace", "hello", "--ignore-not-found", "--timeout=120s"]);
    }
});

test("the Python example joins member1 and member2 with the outputs of the TypeScript example, and no credential in its state", async () => {
    environment();
    // The wheel of this version, in the example's virtualenv (e2e/programs.sh installed it from dist/).
    const python = path.join(exampleProgram("python"), "venv", "bin", "python");
    const installed = run(python, ["-c", "import importlib.metadata as m; print(m.version('pulumi_kubefed'))"]).trim();
    expect(installed).toBe(require("../../package.json").version);

    // The TypeScript example first, for its outputs; then the same federation from Python.
    const typescript = await federationStack(`ts-${suffix}`, members);
    stacks.push(typescript);
    const expected = await upAndReadOutputs(typescript);
    await typescript.destroy();

    const pythonStack = await federationStack(`py-${suffix}`, members, exampleProgram("python"));
    stacks.push(pythonStack);
    const actual = await upAndReadOutputs(pythonStack);
    expect(actual).toEqual(expected);
    expect(actual.clusterNames).toEqual(["member1", "member2"]);
    expect(actual.clusters.member1).toMatchObject({ replicas: 2, labels: { region: "eu" }, ready: true });
    expect(kubeFedClusterReady("member1") && kubeFedClusterReady("member2")).toBe(true);
    // The component's inputs (kubeconfigs included) are in the Python stack's state: encrypted.
    expect(plaintextCredentialsIn(`py-${suffix}`, ["member1", "member2"])).toEqual([]);
    // With hostKubeconfig, the component (in the plugin) registers the resource the plugin serves for destroy.
    const types = (await pythonStack.exportStack()).deployment.resources.map((r: { type: string }) => r.type);
    expect(types.filter((t: string) => t === "kubefed:index:UnreachableMemberRelease")).toHaveLength(1);

    // Its application, through the generated SDK's FederatedResourceArgs, OverrideRuleArgs and OverridePatchArgs.
    await configureMembers(pythonStack, members, { application: "true" });
    const withApplication = await pythonStack.up();
    expect(withApplication.summary.result).toBe("succeeded");
    expect([deploymentReplicas("member1", "hello", "hello"), deploymentReplicas("member2", "hello", "hello")]).toEqual([1, 3]);
    for (const member of ["member1", "member2"] as const) {
        expect(kubectl(member, ["get", "service/hello", "configmap/hello", "-n", "hello", "-o", "name"]).trim().split("\n")).toEqual(["service/hello", "configmap/hello"]);
    }
    expect(Object.keys((await pythonStack.outputs()).propagation.value).sort()).toEqual(["ConfigMap/hello/hello", "Deployment/hello/hello", "Service/hello/hello"]);
    expect(await previewSteps(pythonStack)).toEqual([]);
    await configureMembers(pythonStack, members);
    await pythonStack.up();
    expect(deploymentReplicas("member2", "hello", "hello")).toBeUndefined();

    // The resource hooks of orphanWorkloadsOnUnjoin run in the plugin's process too.
    await configureMembers(pythonStack, [members[0]], { orphanWorkloadsOnUnjoin: "true" });
    const unjoin = await pythonStack.up();
    expect(unjoin.stdout).toContain('member "member2" leaves the federation; left running, no longer managed by KubeFed: nothing');
    expect(kubeFedClusterNames()).toEqual(["member1"]);
});
