// End to end: a program that has its own kubernetes Provider per member (examples/basic with
// `ownProviders: true`) hands them to the federation, which then makes no provider of its own:
// it joins, scales and removes a member with them, and the next preview is empty; a member joined
// with the component's provider switches to the program's with no change to its join.
import { Stack } from "@pulumi/pulumi/automation";
import { deploymentReplicas, environment, federationStack, kubectl, kubeFedClusterNames, kubeFedClusterReady, MemberConfig, pendingChanges, previewAndUp, removeStacks, until } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const web = { name: "web", namespace: "own-providers" };
const extra = { ownProviders: "true", workload: JSON.stringify(web) };
let stack: Stack;

/** The kubernetes providers in the stack's state, by logical name. */
async function providersInState(): Promise<string[]> {
    const state = await stack.exportStack();
    return state.deployment.resources
        .filter((r: { type: string }) => r.type === "pulumi:providers:kubernetes")
        .map((r: { urn: string }) => r.urn.split("::").pop()!)
        .sort();
}

const serviceAccountIn = (cluster: "member1" | "member2", name: string) =>
    kubectl(cluster, ["get", "serviceaccount", name, "-n", environment().kubefedNamespace, "--ignore-not-found", "-o", "name"]).trim() !== "";

beforeAll(async () => {
    stack = await federationStack(`providers-${Date.now()}`, [], undefined, extra);
});

afterAll(async () => {
    await removeStacks([stack]);
    for (const member of ["member1", "member2"] as const) {
        kubectl(member, ["delete", "namespace", web.namespace, "--ignore-not-found", "--timeout=120s"]);
    }
});

test("with the program's own member providers: join, scale and remove a member, and no provider of the component's", async () => {
    const one: MemberConfig[] = [{ name: "member1" }];
    await previewAndUp(stack, one, extra);
    expect(kubeFedClusterReady("member1")).toBe(true);
    expect(deploymentReplicas("member1", web.namespace, web.name)).toBe(1);
    expect(await providersInState()).toEqual(["host", "member1-own"]);

    // Join member2, through its own provider.
    const joined = await previewAndUp(stack, [...one, { name: "member2" }], extra);
    expect(joined.steps).toContain("create kubernetes:core.kubefed.io/v1beta1:KubeFedCluster federation/members/member2/kubefedcluster");
    expect(joined.steps.filter((s) => s.includes("pulumi:providers:kubernetes"))).toEqual(["create pulumi:providers:kubernetes member2-own"]);
    expect(kubeFedClusterReady("member2")).toBe(true);
    expect(serviceAccountIn("member2", "member2-host")).toBe(true);
    // KubeFed propagates to a member that has just become Ready on its next pass.
    expect(await until(() => deploymentReplicas("member2", web.namespace, web.name) === 1, 60)).toBe(true);

    // Scale member2: only the federation's documents and placement change.
    const scaled = await previewAndUp(stack, [...one, { name: "member2", replicas: 2 }], extra);
    expect(scaled.steps).toEqual([
        "update kubernetes:core/v1:ConfigMap federation-config",
        "update kubernetes:types.kubefed.io/v1beta1:FederatedDeployment federation/workloads/own-providers/web",
    ]);
    expect(await until(() => deploymentReplicas("member2", web.namespace, web.name) === 2, 60)).toBe(true);

    // Remove member2: its join objects go, through its provider, which the program drops with it.
    await previewAndUp(stack, one, extra);
    expect(kubeFedClusterNames()).toEqual(["member1"]);
    expect(serviceAccountIn("member2", "member2-host")).toBe(false);
    expect(deploymentReplicas("member2", web.namespace, web.name)).toBeUndefined();
    expect(await providersInState()).toEqual(["host", "member1-own"]);
    expect(await pendingChanges(stack)).toEqual([]);
});

test("a member joined with the component's provider switches to the program's own: only the providers change", async () => {
    const member1: MemberConfig[] = [{ name: "member1" }];
    const componentProviders = { workload: JSON.stringify(web) };
    await previewAndUp(stack, member1, componentProviders); // back to the component's provider
    expect(await providersInState()).toEqual(["federation-member1", "host"]);
    const uid = kubectl("host", ["get", "kubefedclusters.core.kubefed.io", "member1", "-n", environment().kubefedNamespace, "-o", "jsonpath={.metadata.uid}"]);

    const switched = await previewAndUp(stack, member1, extra);
    expect(switched.steps).toEqual(["create pulumi:providers:kubernetes member1-own", "delete pulumi:providers:kubernetes federation-member1"]);
    expect(kubectl("host", ["get", "kubefedclusters.core.kubefed.io", "member1", "-n", environment().kubefedNamespace, "-o", "jsonpath={.metadata.uid}"])).toBe(uid);
    expect(kubeFedClusterReady("member1")).toBe(true);
    expect(await pendingChanges(stack)).toEqual([]);
});
