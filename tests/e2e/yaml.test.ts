// End to end, from Pulumi YAML: the program names the component's type token; the engine gets its
// schema from the kubefed provider plugin, which constructs the TypeScript component.
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { environment, federationStack, kubeFedClusterReady, MemberConfig, plaintextCredentialsIn, ROOT, upAndReadOutputs, removeStacks } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

// examples/yaml joins member1 and member2 with the defaults.
const members: MemberConfig[] = [{ name: "member1" }, { name: "member2" }];
const suffix = Date.now();
const stacks: Stack[] = [];

afterAll(() => removeStacks(stacks));

test("the YAML example joins member1 and member2 with the outputs of the TypeScript example, and no credential in its state", async () => {
    environment();
    const typescript = await federationStack(`ts-yaml-${suffix}`, members);
    stacks.push(typescript);
    const expected = await upAndReadOutputs(typescript);
    await typescript.destroy();

    const yamlStack = await federationStack(`yaml-${suffix}`, members, path.join(ROOT, "examples", "yaml"));
    stacks.push(yamlStack);
    const actual = await upAndReadOutputs(yamlStack);
    expect(actual).toEqual(expected);
    expect(actual.clusterNames).toEqual(["member1", "member2"]);
    expect(kubeFedClusterReady("member1") && kubeFedClusterReady("member2")).toBe(true);
    expect(plaintextCredentialsIn(`yaml-${suffix}`, ["member1", "member2"])).toEqual([]);
});
