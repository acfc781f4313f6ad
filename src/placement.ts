// Where a federated object goes (placement) and how its update is waited for. Pure: no Pulumi.
import { sortedBy } from "./objects";

/**
 * Wait until KubeFed has processed the current generation: it created, updated and deleted the
 * object in every Ready member it is placed on or leaves (pulumi-kubernetes waits for
 * `status.observedGeneration` to reach `metadata.generation` before it reads the path). A member
 * that is not Ready is skipped by KubeFed, so it cannot stall the update; the propagation report
 * (propagation.ts) names it. `condition=Propagation` would wait for every placed member.
 */
export const WAIT_FOR_SYNC = "jsonpath={.status.observedGeneration}";
/** How long pulumi-kubernetes waits for KubeFed to process an update, in seconds. */
export interface WaitSettings {
    propagationTimeoutSeconds: number;
}

export function waitAnnotations(settings: WaitSettings): { [key: string]: string } {
    return { "pulumi.com/waitFor": WAIT_FOR_SYNC, "pulumi.com/timeoutSeconds": String(settings.propagationTimeoutSeconds) };
}

/** What placement reads (of a workload, a resource, an override rule); all plain. */
export interface WorkloadPlacement {
    name?: string;
    namespace?: string;
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
 * The members a workload or resource is placed on, sorted: those named in `clusters`, else those whose labels
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

