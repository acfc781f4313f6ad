// The propagation report: after KubeFed has processed a federated object (see WAIT_FOR_SYNC in
// workloads.ts), which members it could not bring up to date, and KubeFed's reason for each. A
// member that is not Ready does not stall `pulumi up`; it is named here instead, and KubeFed
// propagates to it by itself once it is Ready again. Pure: the component logs the lines from a
// resource hook (after create and after update, so only for what this update changed).
import { sortedBy } from "./objects";

/** The part of a federated object's status that KubeFed v0.10.0 writes. */
export interface FederatedStatus {
    conditions?: { type: string; status: string; reason?: string }[];
    /** One entry per placed member; `status` is empty when the member is up to date. */
    clusters?: { name: string; status?: string }[];
}

export interface PendingMember {
    member: string;
    /** KubeFed's reason, e.g. ClusterNotReady, or the Propagation condition's reason. */
    reason: string;
}

/** KubeFed's status for a member the object is being deleted from, as the update asked: nothing to report. */
const BEING_REMOVED = "WaitingForRemoval";

/** The members a federated object is not yet propagated to, sorted; empty when it is everywhere. */
export function pendingMembers(status: FederatedStatus | undefined): PendingMember[] {
    const pending = (status?.clusters ?? []).filter((c) => c.status !== undefined && c.status !== "" && c.status !== BEING_REMOVED);
    return sortedBy(pending, (c) => c.name).map((c) => ({ member: c.name, reason: c.status! }));
}

/** One warning for a federated object, or undefined when it is propagated everywhere. */
export function propagationWarning(kind: string, namespacedName: string, status: FederatedStatus | undefined): string | undefined {
    const pending = pendingMembers(status);
    if (pending.length === 0) {
        const condition = (status?.conditions ?? []).find((c) => c.type === "Propagation");
        // CheckClusters: the per-member statuses say why, and none of them is a pending propagation.
        return condition && condition.status === "False" && condition.reason !== "CheckClusters"
            ? `${kind} ${namespacedName}: not propagated (KubeFed: ${condition.reason ?? "no reason given"})`
            : undefined;
    }
    const members = pending.map((p) => `"${p.member}" (KubeFed: ${p.reason})`).join(", ");
    return `${kind} ${namespacedName}: not yet propagated to member${pending.length === 1 ? "" : "s"} ${members}; KubeFed propagates it once the member is Ready`;
}
