// End to end: a federated Deployment on member1 and member2, propagated by the real KubeFed
// controller; "scale" is an edit of a member's replicas; unjoin removes the workload first, or
// leaves it running unmanaged (orphanWorkloadsOnUnjoin).
import { Stack } from "@pulumi/pulumi/automation";
import { configureMembers, deploymentReplicas, environment, federationStack, formatSteps, joinFootprint, kubectl, kubeFedClusterNames, MemberConfig, removeStacks, stepCollector } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const stackName = `workloads-${Date.now()}`;
const web = { name: "web", namespace: "shop" };
let stack: Stack;

/** The Deployment's replicas in a member, or undefined when it has none. */
const replicasIn = (member: "member1" | "member2") => deploymentReplicas(member, "shop", "web");

/** Polls until `read` returns `expected` (KubeFed's scheduler acts asynchronously), up to 60 s. */
async function eventually<T>(read: () => T, expected: T): Promise<T> {
    let value = read();
    for (let i = 0; i < 60 && JSON.stringify(value) !== JSON.stringify(expected); i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        value = read();
    }
    return value;
}

/** Previews and applies `members` running `workload`; returns the previewed steps and what `up` printed. */
async function deploy(members: MemberConfig[], workload: object, extraConfig: Record<string, string> = {}): Promise<{ steps: string[]; output: string }> {
    await configureMembers(stack, members, { workload: JSON.stringify(workload), ...extraConfig });
    const preview = stepCollector();
    await stack.preview({ onEvent: preview.onEvent });
    const result = await stack.up();
    expect(result.summary.result).toBe("succeeded");
    return { steps: formatSteps(preview.steps), output: result.stdout };
}

beforeAll(async () => {
    environment();
    stack = await federationStack(stackName, [], undefined, { workload: JSON.stringify(web) });
});

afterAll(async () => {
    await removeStacks([stack]);
    // What the orphaning test left running in member2 is no longer anyone's: clean it up here.
    kubectl("member2", ["delete", "namespace", "shop", "--ignore-not-found", "--timeout=120s"]);
});

test("each placed member runs the Deployment with its own replicas, written by the KubeFed controller", async () => {
    await deploy([{ name: "member1" }, { name: "member2" }], web);
    // `up` returned once KubeFed had processed the placement: no waiting here.
    expect([replicasIn("member1"), replicasIn("member2")]).toEqual([1, 1]);
    const labels = kubectl("member1", ["get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.metadata.labels}"]);
    expect(JSON.parse(labels)).toMatchObject({ app: "web", "kubefed.io/managed": "true" });
});

test("scaling member1 from 1 to 3 is a preview of updates only, and member1 then runs 3", async () => {
    const { steps } = await deploy([{ name: "member1", replicas: 3 }, { name: "member2" }], web);
    expect(steps).toEqual(["update kubernetes:core/v1:ConfigMap federation-config", "update kubernetes:types.kubefed.io/v1beta1:FederatedDeployment federation/workloads/shop/web"]);
    expect([replicasIn("member1"), replicasIn("member2")]).toEqual([3, 1]);
});

test("removing member2 leaves no federated Deployment in member2 by the time up returns", async () => {
    await deploy([{ name: "member1", replicas: 3 }], web);
    expect(replicasIn("member2")).toBeUndefined();
    expect(replicasIn("member1")).toBe(3);
});

test("member2 joins again; with totalReplicas 6 and weights 1 and 2, the members get 2 and 4", async () => {
    await deploy([{ name: "member1", replicas: 1 }, { name: "member2", replicas: 2 }], { ...web, totalReplicas: 6 });
    expect(await eventually(() => [replicasIn("member1"), replicasIn("member2")], [2, 4])).toEqual([2, 4]);
});

test("with orphanWorkloadsOnUnjoin, removing member2 leaves its Deployment running there, no longer managed by KubeFed", async () => {
    const { output } = await deploy([{ name: "member1", replicas: 1 }], { ...web, totalReplicas: 6 }, { orphanWorkloadsOnUnjoin: "true" });
    expect(output).toContain('member "member2" leaves the federation; left running, no longer managed by KubeFed: namespace shop, deployment shop/web');
    // member2 is unjoined: no KubeFedCluster, no credentials, no RBAC left by the join...
    expect(kubeFedClusterNames()).toEqual(["member1"]);
    expect(joinFootprint("member2").inMember).toEqual([]);
    // ...and still runs its share of the workload, without the label KubeFed manages by.
    expect(replicasIn("member2")).toBe(4);
    const labels = (kind: string, ...name: string[]) => JSON.parse(kubectl("member2", ["get", kind, ...name, "-o", "jsonpath={.metadata.labels}"]) || "{}");
    expect(labels("deployment", "web", "-n", "shop")).toEqual({ app: "web" });
    expect(labels("namespace", "shop")).not.toHaveProperty(["kubefed.io/managed"]);
    // member1 now runs the whole total.
    expect(await eventually(() => replicasIn("member1"), 6)).toBe(6);
});
