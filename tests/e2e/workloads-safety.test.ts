// End to end, with the real KubeFed controller: the federation deletes only what it created (a
// member's own namespace and ConfigMap survive a narrowed placement, the member leaving, and
// `pulumi destroy`); switching between per-member replicas and totalReplicas leaves no gap; one
// member's kube-apiserver killed does not stall a change for the others.
import { Stack } from "@pulumi/pulumi/automation";
import {
    deploymentReplicas,
    environment,
    environmentUp,
    federationStack,
    killApiserver,
    kubectl,
    kubeFedClusterReady,
    MemberConfig,
    previewAndUp,
    pendingChanges,
    removeStacks,
    until,
    watchDeployment,
} from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const stackName = `safety-${Date.now()}`;
const web = { name: "web", namespace: "shop" };
const both: MemberConfig[] = [{ name: "member1" }, { name: "member2", replicas: 2 }];
let stack: Stack;

const replicas = (member: "member1" | "member2") => deploymentReplicas(member, "shop", "web");
/** What member2's user keeps in the namespace `shop`, which existed before the federation. */
const usersOwn = () => kubectl("member2", ["get", "configmap", "users-own", "-n", "shop", "--ignore-not-found", "-o", "jsonpath={.data.owner}"]).trim();
const namespaceExists = (member: "member1" | "member2") => kubectl(member, ["get", "namespace", "shop", "--ignore-not-found", "-o", "name"]).trim() === "namespace/shop";

const deploy = (members: MemberConfig[], workload: object) => previewAndUp(stack, members, { workload: JSON.stringify(workload) });

beforeAll(async () => {
    environment();
    // Start clean: a demo run before leaves its namespaces (the federation never deletes them).
    for (const member of ["member1", "member2"] as const) {
        kubectl(member, ["delete", "namespace", "shop", "--ignore-not-found", "--timeout=120s"]);
    }
    // member2 already has a namespace `shop`, with a ConfigMap of its user's.
    kubectl("member2", ["create", "namespace", "shop"]);
    kubectl("member2", ["create", "configmap", "users-own", "-n", "shop", "--from-literal=owner=member2-user"]);
    stack = await federationStack(stackName, [], undefined, { workload: JSON.stringify(web) });
});

afterAll(async () => {
    await removeStacks([stack]);
    for (const member of ["member1", "member2"] as const) {
        kubectl(member, ["delete", "namespace", "shop", "--ignore-not-found", "--timeout=120s"]);
    }
});

test("the federation runs the workload in member2's existing namespace, next to the user's ConfigMap", async () => {
    await deploy(both, web);
    expect([replicas("member1"), replicas("member2")]).toEqual([1, 2]);
    expect(usersOwn()).toBe("member2-user");
});

test("a placement narrowed to member1 deletes the federation's Deployment from member2, and nothing else there", async () => {
    await deploy(both, { ...web, clusters: ["member1"] });
    expect(replicas("member2")).toBeUndefined();
    expect(replicas("member1")).toBe(1);
    expect(namespaceExists("member2")).toBe(true);
    expect(usersOwn()).toBe("member2-user");
    // Back on both members.
    await deploy(both, web);
    expect(await until(() => replicas("member2") === 2, 30)).toBe(true);
});

test("switching to totalReplicas and back keeps the Deployment in both members at every moment, with the declared replicas after", async () => {
    const toTotal = await watchDeployment(["member1", "member2"], "shop", "web", () => deploy(both, { ...web, totalReplicas: 6 }));
    // Weights 1 and 2: 2 and 4, written by KubeFed's scheduler.
    expect(await until(() => replicas("member1") === 2 && replicas("member2") === 4, 60)).toBe(true);
    const back = await watchDeployment(["member1", "member2"], "shop", "web", () => deploy(both, web));
    for (const { samples } of [toTotal, back]) {
        for (const member of ["member1", "member2"]) {
            expect(samples[member].length).toBeGreaterThan(3);
            expect(samples[member].filter((r) => r === undefined)).toEqual([]);
        }
    }
    // The preference was replaced before the overrides changed: each member runs its own replicas, without --refresh.
    expect(back.result.steps).toEqual(
        expect.arrayContaining([
            "replace kubernetes:scheduling.kubefed.io/v1alpha1:ReplicaSchedulingPreference federation/workloads/shop/web",
            "update kubernetes:types.kubefed.io/v1beta1:FederatedDeployment federation/workloads/shop/web",
        ]),
    );
    expect(await until(() => replicas("member1") === 1 && replicas("member2") === 2, 30)).toBe(true);
    // Stays so: the scheduler is gone, nothing rewrites the overrides.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect([replicas("member1"), replicas("member2")]).toEqual([1, 2]);
    expect(await pendingChanges(stack)).toEqual([]);
});

test("with member2's kube-apiserver killed, scaling member1 ends in bounded time, names member2, and one up converges once it is back", async () => {
    killApiserver("member2");
    try {
        // As a user finds it: KubeFed reports the member not Ready.
        expect(await until(() => !kubeFedClusterReady("member2"), 120)).toBe(true);
        const { output, seconds } = await deploy([{ name: "member1", replicas: 3 }, { name: "member2", replicas: 2 }], web);
        console.log(`pulumi up with member2 down took ${seconds.toFixed(1)} s`);
        expect(seconds).toBeLessThan(120);
        expect(output).toContain('FederatedDeployment shop/web: not yet propagated to member "member2" (KubeFed: ClusterNotReady)');
        expect(replicas("member1")).toBe(3);
    } finally {
        environmentUp();
    }
    expect(await until(() => kubeFedClusterReady("member2"), 120)).toBe(true);
    const converge = await stack.up();
    expect(converge.summary.result).toBe("succeeded");
    expect(await pendingChanges(stack)).toEqual([]);
    expect(await until(() => replicas("member2") === 2, 60)).toBe(true);
});

test("member2 leaving takes the federation's Deployment with it and leaves the user's namespace and ConfigMap", async () => {
    await deploy([{ name: "member1", replicas: 3 }], web);
    expect(replicas("member2")).toBeUndefined();
    expect(namespaceExists("member2")).toBe(true);
    expect(usersOwn()).toBe("member2-user");
    expect(replicas("member1")).toBe(3);
});

test("pulumi destroy deletes the federation's Deployments and leaves every namespace, the one it created empty", async () => {
    await deploy(both, web);
    expect(await until(() => replicas("member2") === 2, 30)).toBe(true);
    const result = await stack.destroy();
    expect(result.summary.result).toBe("succeeded");
    expect(await until(() => replicas("member1") === undefined && replicas("member2") === undefined, 60)).toBe(true);
    expect(namespaceExists("member1")).toBe(true);
    expect(namespaceExists("member2")).toBe(true);
    expect(usersOwn()).toBe("member2-user");
});
