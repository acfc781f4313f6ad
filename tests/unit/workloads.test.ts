import { deploymentTemplate, federatedDeployment, federatedNamespace, PlacementMember, placedMembers, replicaSchedulingPreference } from "../../src/workloads";

const members: PlacementMember[] = [
    { name: "member3", labels: { region: "us" }, replicas: 1 },
    { name: "member1", labels: { region: "eu", tier: "gold" }, replicas: 1 },
    { name: "member2", labels: { region: "eu" }, replicas: 2 },
];
const web = { name: "web", namespace: "shop" };

test("placement: by name, by labels, or every member; always sorted", () => {
    expect(placedMembers({ ...web, clusters: ["member3", "member1"] }, members).map((m) => m.name)).toEqual(["member1", "member3"]);
    expect(placedMembers({ ...web, clusterSelector: { region: "eu" } }, members).map((m) => m.name)).toEqual(["member1", "member2"]);
    expect(placedMembers({ ...web, clusterSelector: { region: "eu", tier: "gold" } }, members).map((m) => m.name)).toEqual(["member1"]);
    expect(placedMembers(web, members).map((m) => m.name)).toEqual(["member1", "member2", "member3"]);
});

test("without totalReplicas: explicit placement and a /spec/replicas override per placed member", () => {
    const placed = placedMembers({ ...web, clusterSelector: { region: "eu" } }, members);
    expect(federatedDeployment({ ...web, clusterSelector: { region: "eu" } }, placed, "TEMPLATE")).toEqual({
        apiVersion: "types.kubefed.io/v1beta1",
        kind: "FederatedDeployment",
        metadata: { name: "web", namespace: "shop", annotations: { "pulumi.com/waitFor": "condition=Propagation", "pulumi.com/patchForce": "true" } },
        spec: {
            template: "TEMPLATE",
            placement: { clusters: [{ name: "member1" }, { name: "member2" }] },
            overrides: [
                { clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 1 }] },
                { clusterName: "member2", clusterOverrides: [{ path: "/spec/replicas", value: 2 }] },
            ],
        },
    });
    expect(replicaSchedulingPreference(web, placed)).toBeUndefined();
});

test("with totalReplicas: a ReplicaSchedulingPreference weighted by the members' replicas decides", () => {
    const workload = { ...web, clusters: ["member1", "member2"], totalReplicas: 6 };
    const placed = placedMembers(workload, members);
    expect(federatedDeployment(workload, placed, "T").spec).toEqual({ template: "T" });
    expect(replicaSchedulingPreference(workload, placed)).toEqual({
        apiVersion: "scheduling.kubefed.io/v1alpha1",
        kind: "ReplicaSchedulingPreference",
        metadata: { name: "web", namespace: "shop" },
        spec: { targetKind: "FederatedDeployment", totalReplicas: 6, rebalance: true, clusters: { member1: { weight: 1 }, member2: { weight: 2 } } },
    });
    // By labels, the scheduler chooses among the clusters the selector matches.
    const byLabels = { ...web, clusterSelector: { region: "eu" }, totalReplicas: 6 };
    expect(federatedDeployment(byLabels, placedMembers(byLabels, members), "T").spec).toEqual({
        template: "T",
        placement: { clusterSelector: { matchLabels: { region: "eu" } } },
    });
});

test("the template is the Deployment, labelled like its pods", () => {
    const spec = { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [] } } };
    expect(deploymentTemplate(spec)).toEqual({ metadata: { labels: { app: "web" } }, spec });
    expect(deploymentTemplate({})).toEqual({ metadata: {}, spec: {} });
});

test("a FederatedNamespace is placed on every member any of its workloads runs on", () => {
    expect(federatedNamespace("shop", ["member2", "member1", "member2"])).toEqual({
        apiVersion: "types.kubefed.io/v1beta1",
        kind: "FederatedNamespace",
        metadata: { name: "shop", namespace: "shop" },
        spec: { placement: { clusters: [{ name: "member1" }, { name: "member2" }] } },
    });
});
