// End to end, from Pulumi YAML: the program names the component's type token; the engine gets its
// schema from the kubefed provider plugin, which constructs the TypeScript component. The plugin is
// the one `pulumi plugin install resource kubefed <version> --file <archive>` installed from dist/
// (e2e/programs.sh): the program has no path into this checkout.
import { Stack } from "@pulumi/pulumi/automation";
import { deploymentReplicas, environment, exampleProgram, run, federationStack, kubectl, kubeFedClusterReady, MemberConfig, plaintextCredentialsIn, previewSteps, upAndReadOutputs, removeStacks } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

// examples/yaml joins member1 and member2 with the defaults.
const members: MemberConfig[] = [{ name: "member1" }, { name: "member2" }];
const suffix = Date.now();
const stacks: Stack[] = [];

afterAll(async () => {
    await removeStacks(stacks);
    for (const member of ["member1", "member2"] as const) {
        kubectl(member, ["delete", "namespace", "hello-yaml", "--ignore-not-found", "--timeout=120s"]);
    }
});

test("the YAML example joins member1 and member2 with the outputs of the TypeScript example, and no credential in its state", async () => {
    environment();
    const version = require("../../package.json").version;
    const plugins = JSON.parse(run("pulumi", ["plugin", "ls", "--json"])) as { name: string; kind: string; version: string }[];
    expect(plugins.filter((p) => p.name === "kubefed").map((p) => `${p.kind} ${p.version}`)).toEqual([`resource ${version}`]);

    const typescript = await federationStack(`ts-yaml-${suffix}`, members);
    stacks.push(typescript);
    const expected = await upAndReadOutputs(typescript);
    await typescript.destroy();

    const yamlStack = await federationStack(`yaml-${suffix}`, members, exampleProgram("yaml"));
    stacks.push(yamlStack);
    const actual = await upAndReadOutputs(yamlStack);
    expect(actual).toEqual(expected);
    expect(actual.clusterNames).toEqual(["member1", "member2"]);
    expect(kubeFedClusterReady("member1") && kubeFedClusterReady("member2")).toBe(true);
    expect(plaintextCredentialsIn(`yaml-${suffix}`, ["member1", "member2"])).toEqual([]);
    // Its application: a Deployment, a Service and a ConfigMap on both members, member2's replicas overridden.
    expect([deploymentReplicas("member1", "hello-yaml", "hello"), deploymentReplicas("member2", "hello-yaml", "hello")]).toEqual([1, 3]);
    for (const member of ["member1", "member2"] as const) {
        expect(kubectl(member, ["get", "service/hello", "configmap/hello", "-n", "hello-yaml", "-o", "name"]).trim().split("\n")).toEqual(["service/hello", "configmap/hello"]);
    }
    const propagation = (await yamlStack.outputs()).propagation.value;
    expect(Object.keys(propagation).sort()).toEqual(["ConfigMap/hello-yaml/hello", "Deployment/hello-yaml/hello", "Service/hello-yaml/hello"]);
    expect(await previewSteps(yamlStack)).toEqual([]);
    await yamlStack.destroy();
    expect(deploymentReplicas("member2", "hello-yaml", "hello")).toBeUndefined();
});
