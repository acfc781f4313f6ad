// End to end: one KubeFed control plane, its members joined from two stacks, each with its own
// federation document — the way past the members one `pulumi up` holds (docs/performance.md, part 4).
import * as yaml from "js-yaml";
import { Stack } from "@pulumi/pulumi/automation";
import { FederationDocument } from "../../src/federation";
import { ClusterName, federationStack, kubectlJSON, kubeFedClusterReady, removeStacks, upAndReadOutputs } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const suffix = Date.now();
const stacks: Stack[] = [];

afterAll(() => removeStacks(stacks));

/** The members named in a federation document on the host. */
function documentMembers(configMapName: string): string[] {
    const configMap = kubectlJSON("host", ["get", "configmap", configMapName, "-n", "kube-system"]);
    return (yaml.load(configMap.data["kubefed.yaml"]) as FederationDocument).spec.clusters.map((c) => c.clusterName);
}

test("two stacks, each with its own federation document, join member1 and member2 to the same KubeFed", async () => {
    for (const [group, member] of [["a", "member1"], ["b", "member2"]] as [string, ClusterName][]) {
        const stack = await federationStack(`split-${group}-${suffix}`, [{ name: member }], undefined, {
            configMapName: `kubefed-config-${group}`,
            kubeconfigSecretName: `kubefed-kubeconfig-${group}`,
        });
        stacks.push(stack);
        expect((await upAndReadOutputs(stack)).clusterNames).toEqual([member]);
    }
    // The control plane sees both members; each stack's document lists only its own.
    expect(kubeFedClusterReady("member1") && kubeFedClusterReady("member2")).toBe(true);
    expect([documentMembers("kubefed-config-a"), documentMembers("kubefed-config-b")]).toEqual([["member1"], ["member2"]]);
});
