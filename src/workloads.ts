// Federated workloads, as plain objects: where each Deployment runs (placement), how many replicas
// each member runs (overrides, or a ReplicaSchedulingPreference), and the FederatedNamespaces
// they live in. Pure: no Pulumi.
import { KubernetesObject, sortedBy } from "./objects";

export const TYPES_API = "types.kubefed.io/v1beta1";
export const SCHEDULING_API = "scheduling.kubefed.io/v1alpha1";
/** Wait until KubeFed has propagated the current generation: removals from members included. */
export const WAIT_FOR_PROPAGATION = "condition=Propagation";

/** The workload fields placement and scheduling read; all plain. */
export interface WorkloadPlacement {
    name: string;
    namespace: string;
    clusters?: string[];
    clusterSelector?: { [key: string]: string };
    totalReplicas?: number;
}

/** The member fields placement and scheduling read. */
export interface PlacementMember {
    name: string;
    labels: { [key: string]: string };
    replicas: number;
}

/**
 * The members a workload runs on, sorted: those named in `clusters`, else those whose labels
 * match every `clusterSelector` entry, else every member.
 */
export function placedMembers<M extends PlacementMember>(workload: WorkloadPlacement, members: M[]): M[] {
    const placed = workload.clusters
        ? members.filter((m) => workload.clusters!.includes(m.name))
        : workload.clusterSelector
          ? members.filter((m) => Object.entries(workload.clusterSelector!).every(([k, v]) => m.labels[k] === v))
          : members;
    return sortedBy(placed, (m) => m.name);
}

/** The Deployment as KubeFed's template: its pods' labels label the Deployment too. */
export function deploymentTemplate<S extends { template?: { metadata?: { labels?: { [key: string]: string } } } }>(spec: S) {
    const labels = spec.template?.metadata?.labels;
    return { metadata: labels ? { labels } : {}, spec };
}

/**
 * The FederatedDeployment. Placement is always the explicit list of placed members (a selector is
 * resolved here), so that removing a member removes it from the placement in the same update,
 * while its KubeFedCluster still exists and KubeFed can delete the workload from it. With
 * `totalReplicas`, the ReplicaSchedulingPreference decides placement and replicas instead.
 * `V` is the template: plain in tests, a Pulumi output in the component.
 */
export function federatedDeployment<V>(workload: WorkloadPlacement, placed: PlacementMember[], template: V): KubernetesObject<V> {
    const annotations = {
        "pulumi.com/waitFor": WAIT_FOR_PROPAGATION,
        // Placement and overrides are ours, even after a ReplicaSchedulingPreference wrote them.
        "pulumi.com/patchForce": "true",
    };
    const spec: Record<string, unknown> = { template };
    if (workload.totalReplicas === undefined) {
        spec.placement = { clusters: placed.map((m) => ({ name: m.name })) };
        spec.overrides = placed.map((m) => ({ clusterName: m.name, clusterOverrides: [{ path: "/spec/replicas", value: m.replicas }] }));
    } else if (workload.clusterSelector) {
        // The scheduler picks among the clusters this selector matches.
        spec.placement = { clusterSelector: { matchLabels: workload.clusterSelector } };
    }
    return { apiVersion: TYPES_API, kind: "FederatedDeployment", metadata: { name: workload.name, namespace: workload.namespace, annotations }, spec };
}

/** With `totalReplicas`: spread the total over the placed members, weighted by their replicas. */
export function replicaSchedulingPreference(workload: WorkloadPlacement, placed: PlacementMember[]): KubernetesObject | undefined {
    if (workload.totalReplicas === undefined) {
        return undefined;
    }
    return {
        apiVersion: SCHEDULING_API,
        kind: "ReplicaSchedulingPreference",
        metadata: { name: workload.name, namespace: workload.namespace },
        spec: {
            targetKind: "FederatedDeployment",
            totalReplicas: workload.totalReplicas,
            rebalance: true,
            clusters: Object.fromEntries(placed.map((m) => [m.name, { weight: m.replicas }])),
        },
    };
}

/** The FederatedNamespace of `namespace`, placed on every member any of its workloads runs on. */
export function federatedNamespace(namespace: string, members: string[]): KubernetesObject {
    return {
        apiVersion: TYPES_API,
        kind: "FederatedNamespace",
        metadata: { name: namespace, namespace },
        spec: { placement: { clusters: [...new Set(members)].sort().map((name) => ({ name })) } },
    };
}
