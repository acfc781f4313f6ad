// Federated workloads, as plain objects: where each Deployment runs (placement), how many replicas
// each member runs (overrides, or a ReplicaSchedulingPreference), and the FederatedNamespaces
// they live in. Pure: no Pulumi.
import { DEFAULT_TYPES } from "./federated-types";
import { KubernetesObject } from "./objects";
import { PlacementMember, WaitSettings, waitAnnotations, WorkloadPlacement } from "./placement";
import { federatedObject } from "./resources";

export { placedMembers, WAIT_FOR_SYNC } from "./placement";
export type { PlacementMember, WaitSettings, WorkloadPlacement } from "./placement";

/** A workload: its name and namespace, and how it is placed and scheduled. */
type Workload = WorkloadPlacement & { name: string; namespace: string; totalReplicas?: number };

const DEPLOYMENT_TYPE = DEFAULT_TYPES.find((t) => t.kind === "Deployment")!;

export const TYPES_API = "types.kubefed.io/v1beta1";
export const SCHEDULING_API = "scheduling.kubefed.io/v1alpha1";
/** The label of KubeFedClusters that says which federation they belong to (FederatedNamespaces select by it). */
export const FEDERATION_LABEL = "kubefed-iac.io/federation";
/** KubeFed's annotation: deleting the federated object leaves what it propagated in the members. */
export const ORPHAN_ANNOTATION = "kubefed.io/orphan";
/** The name of a workload's preference while it runs per-member replicas: it targets nothing. */
export const INACTIVE_PREFERENCE_SUFFIX = ".per-member-replicas";

/** The Deployment as KubeFed's template: its pods' labels label the Deployment too. */
export function deploymentTemplate<S extends { template?: { metadata?: { labels?: { [key: string]: string } } } }>(spec: S) {
    const labels = spec.template?.metadata?.labels;
    return { metadata: labels ? { labels } : {}, spec };
}

/**
 * The FederatedDeployment. Placement is always the explicit list of placed members (a selector is
 * resolved here), so that removing a member removes it from the placement in the same update,
 * while its KubeFedCluster still exists and KubeFed can delete the workload from it. It is never
 * applied without a placement, so switching to `totalReplicas` leaves the Deployment in every
 * member until the ReplicaSchedulingPreference rewrites placement and overrides. Per-member
 * replicas are overrides; with `totalReplicas` the preference writes them. `V` is the template:
 * plain in tests, a Pulumi output in the component.
 */
export function federatedDeployment<V>(workload: Workload, placed: PlacementMember[], template: V, settings: WaitSettings): KubernetesObject<V> {
    const replicas = workload.totalReplicas === undefined ? placed.map((m) => ({ clusterName: m.name, clusterOverrides: [{ path: "/spec/replicas", value: m.replicas }] })) : [];
    // Placement and overrides are ours, even after a ReplicaSchedulingPreference wrote them.
    return federatedObject(DEPLOYMENT_TYPE, { name: workload.name, namespace: workload.namespace }, template, placed, replicas, settings, { "pulumi.com/patchForce": "true" });
}

/**
 * The workload's ReplicaSchedulingPreference. With `totalReplicas` it spreads the total over the
 * placed members, weighted by their replicas. Without, it is inactive: named
 * `<workload>.per-member-replicas`, it targets no FederatedDeployment. It exists so that a switch
 * from `totalReplicas` back to per-member replicas is a replacement of the preference (deleted
 * first, in dependency order: the FederatedDeployment depends on it) rather than a deletion at the
 * end of the update, after the FederatedDeployment's new overrides, which the still-active
 * preference would overwrite.
 */
export function replicaSchedulingPreference(workload: Workload, placed: PlacementMember[]): KubernetesObject {
    const kind = { apiVersion: SCHEDULING_API, kind: "ReplicaSchedulingPreference" };
    if (workload.totalReplicas === undefined) {
        // Constant, so that scaling a member does not touch it.
        return { ...kind, metadata: { name: `${workload.name}${INACTIVE_PREFERENCE_SUFFIX}`, namespace: workload.namespace }, spec: { targetKind: "FederatedDeployment", totalReplicas: 0 } };
    }
    return {
        ...kind,
        metadata: { name: workload.name, namespace: workload.namespace },
        spec: {
            targetKind: "FederatedDeployment",
            totalReplicas: workload.totalReplicas,
            rebalance: true,
            clusters: Object.fromEntries(placed.map((m) => [m.name, { weight: m.replicas }])),
        },
    };
}

/**
 * The FederatedNamespace of `namespace`: placed on every member of this federation, by the
 * federation label of their KubeFedClusters, so that its placement never shrinks. KubeFed v0.10.0
 * deletes a namespace, with everything in it, from every cluster that leaves a FederatedNamespace's
 * placement; a member that leaves the federation loses its KubeFedCluster instead, which KubeFed
 * never acts on, and a narrowed workload placement leaves the namespace alone. Deleting the
 * FederatedNamespace (the last workload of the namespace removed, or `pulumi destroy`) orphans
 * the namespaces in the members: they stay, with whatever is in them.
 */
export function federatedNamespace(namespace: string, federationName: string, settings: WaitSettings): KubernetesObject {
    return {
        apiVersion: TYPES_API,
        kind: "FederatedNamespace",
        metadata: { name: namespace, namespace, annotations: { ...waitAnnotations(settings), [ORPHAN_ANNOTATION]: "true" } },
        spec: { placement: { clusterSelector: { matchLabels: { [FEDERATION_LABEL]: federationName } } } },
    };
}
