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

const waits = { propagationTimeoutSeconds: 90 };
const annotations = { "pulumi.com/waitFor": "jsonpath={.status.observedGeneration}", "pulumi.com/timeoutSeconds": "90" };

test("without totalReplicas: explicit placement, a /spec/replicas override per placed member, and an inactive preference", () => {
    const placed = placedMembers({ ...web, clusterSelector: { region: "eu" } }, members);
    expect(federatedDeployment({ ...web, clusterSelector: { region: "eu" } }, placed, "TEMPLATE", waits)).toEqual({
        apiVersion: "types.kubefed.io/v1beta1",
        kind: "FederatedDeployment",
        // Waits until KubeFed processed this generation, not until every member is Ready.
        metadata: { name: "web", namespace: "shop", annotations: { ...annotations, "pulumi.com/patchForce": "true" } },
        spec: {
            template: "TEMPLATE",
            placement: { clusters: [{ name: "member1" }, { name: "member2" }] },
            overrides: [
                { clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 1 }] },
                { clusterName: "member2", clusterOverrides: [{ path: "/spec/replicas", value: 2 }] },
            ],
        },
    });
    // Named so that it targets no FederatedDeployment, and the same whatever the members' replicas.
    const inactive = {
        apiVersion: "scheduling.kubefed.io/v1alpha1",
        kind: "ReplicaSchedulingPreference",
        metadata: { name: "web.per-member-replicas", namespace: "shop" },
        spec: { targetKind: "FederatedDeployment", totalReplicas: 0 },
    };
    expect(replicaSchedulingPreference(web, placed)).toEqual(inactive);
    expect(replicaSchedulingPreference(web, members)).toEqual(inactive);
});

test("with totalReplicas: the placement stays explicit (never none) and a preference weighted by the members' replicas writes the replicas", () => {
    const workload = { ...web, clusters: ["member1", "member2"], totalReplicas: 6 };
    const placed = placedMembers(workload, members);
    expect(federatedDeployment(workload, placed, "T", waits).spec).toEqual({ template: "T", placement: { clusters: [{ name: "member1" }, { name: "member2" }] } });
    expect(replicaSchedulingPreference(workload, placed)).toEqual({
        apiVersion: "scheduling.kubefed.io/v1alpha1",
        kind: "ReplicaSchedulingPreference",
        metadata: { name: "web", namespace: "shop" },
        spec: { targetKind: "FederatedDeployment", totalReplicas: 6, rebalance: true, clusters: { member1: { weight: 1 }, member2: { weight: 2 } } },
    });
    // By labels: the selector is resolved here too.
    const byLabels = { ...web, clusterSelector: { region: "eu" }, totalReplicas: 6 };
    expect(federatedDeployment(byLabels, placedMembers(byLabels, members), "T", waits).spec).toEqual({
        template: "T",
        placement: { clusters: [{ name: "member1" }, { name: "member2" }] },
    });
});

test("the template is the Deployment, labelled like its pods", () => {
    const spec = { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [] } } };
    expect(deploymentTemplate(spec)).toEqual({ metadata: { labels: { app: "web" } }, spec });
    expect(deploymentTemplate({})).toEqual({ metadata: {}, spec: {} });
});

test("a FederatedNamespace is placed on every member of the federation by label, and orphans its namespaces when deleted", () => {
    expect(federatedNamespace("shop", "federation", waits)).toEqual({
        apiVersion: "types.kubefed.io/v1beta1",
        kind: "FederatedNamespace",
        metadata: { name: "shop", namespace: "shop", annotations: { ...annotations, "kubefed.io/orphan": "true" } },
        spec: { placement: { clusterSelector: { matchLabels: { "kubefed-iac.io/federation": "federation" } } } },
    });
});
