// The federated workloads the component registers on the host, under the mocks.
import { KubefedFederationArgs } from "../../src";
import { byKind, changes, crdValidator, find, FederationRun, member, runFederation, workload } from "../helpers/mocks";

const FD = "kubernetes:types.kubefed.io/v1beta1:FederatedDeployment";
const FNS = "kubernetes:types.kubefed.io/v1beta1:FederatedNamespace";
const RSP = "kubernetes:scheduling.kubefed.io/v1alpha1:ReplicaSchedulingPreference";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";

const members = () => [member("member1", { labels: { region: "eu" } }), member("member2", { replicas: 2, labels: { region: "us" } })];
const withWorkload = (extra: Parameters<typeof workload>[2] = {}): KubefedFederationArgs => ({ clusters: members(), workloads: [workload("web", "shop", extra)] });

const placement = (run: FederationRun, type: string, name: string) => find(run, type, name, "shop").inputs.spec.placement;
const overrides = (run: FederationRun) => find(run, FD, "web", "shop").inputs.spec.overrides;

test("one workload on every member: its namespace, FederatedNamespace and FederatedDeployment with a replicas override per member", async () => {
    const run = await runFederation(withWorkload());
    expect(find(run, "kubernetes:core/v1:NamespacePatch", "shop").inputs.metadata).toEqual({ name: "shop" });
    expect(placement(run, FNS, "shop")).toEqual({ clusters: [{ name: "member1" }, { name: "member2" }] });
    const deployment = find(run, FD, "web", "shop");
    expect(deployment.inputs.spec.template).toEqual({ metadata: { labels: { app: "web" } }, spec: workload("web", "shop").spec });
    expect(deployment.inputs.spec.placement).toEqual({ clusters: [{ name: "member1" }, { name: "member2" }] });
    expect(overrides(run)).toEqual([
        { clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 1 }] },
        { clusterName: "member2", clusterOverrides: [{ path: "/spec/replicas", value: 2 }] },
    ]);
    expect(deployment.inputs.metadata.annotations).toEqual({ "pulumi.com/waitFor": "condition=Propagation", "pulumi.com/patchForce": "true" });
    // It depends on the KubeFedClusters it is placed on, so an unjoin updates it before they go.
    const kubeFedClusters = byKind(run, "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster").map((r) => r.urn);
    expect(deployment.dependencies).toEqual(expect.arrayContaining(kubeFedClusters));
    expect(byKind(run, RSP)).toEqual([]);
});

test("placement by names and by labels", async () => {
    const byName = await runFederation(withWorkload({ clusters: ["member2"] }));
    expect(placement(byName, FD, "web")).toEqual({ clusters: [{ name: "member2" }] });
    expect(placement(byName, FNS, "shop")).toEqual({ clusters: [{ name: "member2" }] });
    const byLabels = await runFederation(withWorkload({ clusterSelector: { region: "eu" } }));
    expect(placement(byLabels, FD, "web")).toEqual({ clusters: [{ name: "member1" }] });
    expect(overrides(byLabels)).toEqual([{ clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 1 }] }]);
});

test("with totalReplicas, a ReplicaSchedulingPreference weighted by each member's replicas", async () => {
    const run = await runFederation(withWorkload({ totalReplicas: 6 }));
    expect(find(run, RSP, "web", "shop").inputs.spec).toEqual({
        targetKind: "FederatedDeployment",
        totalReplicas: 6,
        rebalance: true,
        clusters: { member1: { weight: 1 }, member2: { weight: 2 } },
    });
    expect(find(run, FD, "web", "shop").inputs.spec.overrides).toBeUndefined();
});

test("scaling member1 changes only its override (or its RSP weight) and the ConfigMap", async () => {
    for (const extra of [{}, { totalReplicas: 6 }]) {
        const before = await runFederation(withWorkload(extra));
        const args = withWorkload(extra);
        args.clusters[0].replicas = 3;
        const after = await runFederation(args);
        const changed = extra.totalReplicas ? `${RSP}::fed-shop-web-scheduling` : `${FD}::fed-shop-web`;
        expect(changes(before, after)).toEqual({ added: [], removed: [], changed: [`${CONFIGMAP}::fed-config`, changed].sort() });
        if (!extra.totalReplicas) {
            expect(overrides(after)[0]).toEqual({ clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 3 }] });
            expect(overrides(after)[1]).toEqual(overrides(before)[1]);
        }
    }
});

test("removing a member removes it from every placement in the same update", async () => {
    const after = await runFederation({ clusters: [members()[0]], workloads: [workload("web", "shop")] });
    expect(placement(after, FD, "web")).toEqual({ clusters: [{ name: "member1" }] });
    expect(placement(after, FNS, "shop")).toEqual({ clusters: [{ name: "member1" }] });
});

test("every federated object validates against KubeFed v0.10.0's CRDs", async () => {
    const validators = {
        [FD]: crdValidator("federated-type-crds.yaml", "FederatedDeployment"),
        [FNS]: crdValidator("federated-type-crds.yaml", "FederatedNamespace"),
        [RSP]: crdValidator("core-crds.yaml", "ReplicaSchedulingPreference"),
    };
    const runs = [await runFederation(withWorkload()), await runFederation(withWorkload({ totalReplicas: 6, clusterSelector: { region: "eu" } }))];
    let validated = 0;
    for (const run of runs) {
        for (const [type, validate] of Object.entries(validators)) {
            for (const registration of byKind(run, type)) {
                expect(validate(registration.inputs) ? [] : validate.errors).toEqual([]);
                validated++;
            }
        }
    }
    expect(validated).toBe(5);
});
