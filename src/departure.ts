// A member that leaves the federation while its API server cannot be reached: the host forgets it
// as usual (KubeFedCluster, host token Secret, its entries in both documents, every placement),
// and the member-side objects of its join leave Pulumi's state undeleted (the member providers
// have `deleteUnreachable`). This says which objects stay in the member, and how to delete them
// once it is back. Pure: the component logs it from a resource hook (component.ts).
import { joinNames, JoinSettings, memberJoinObjects } from "./join";

/** What a member's join created in it, as a departure leaves it: its service account and RBAC. */
function joinInMember(memberName: string, settings: JoinSettings) {
    return {
        serviceAccount: joinNames(memberName, settings).serviceAccount,
        rbac: memberJoinObjects({ name: memberName, labels: {} }, settings).rbac,
    };
}

/** The objects a join leaves in a member that could not be reached when it left. */
export function leftInMember(memberName: string, settings: JoinSettings): string[] {
    const { serviceAccount, rbac } = joinInMember(memberName, settings);
    return [
        `ServiceAccount ${settings.kubefedNamespace}/${serviceAccount} (with its token Secrets)`,
        ...rbac.map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`),
    ];
}

/** The warning for one member that left while unreachable, with the commands that clean it up. */
export function unreachableDepartureWarning(memberName: string, settings: JoinSettings, reason: string): string {
    const { serviceAccount, rbac } = joinInMember(memberName, settings);
    const byKind = (namespaced: boolean) =>
        rbac
            .filter((o) => (o.metadata.namespace !== undefined) === namespaced)
            .map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`)
            .join(" ");
    const commands = [
        `kubectl -n ${settings.kubefedNamespace} delete serviceaccount/${serviceAccount} ${byKind(true)}`.trim(),
        `kubectl delete ${byKind(false)}`,
    ];
    return (
        `member "${memberName}" leaves the federation while unreachable (${reason}). The host no longer knows it; ` +
        `left in the member, no longer managed: ${leftInMember(memberName, settings).join(", ")}. ` +
        `Once it is back (and unless it joins again), delete them there: ${commands.join("; ")}`
    );
}

/**
 * The warning for a member that KubeFed could not reach when the federation was destroyed: its
 * KubeFedCluster was deleted first (teardown.ts), so what KubeFed made in it stays there too.
 */
export function unreachableAtDestroyWarning(memberName: string, settings: JoinSettings, reason: string): string {
    return (
        `${unreachableDepartureWarning(memberName, settings, reason)}. ` +
        `Its KubeFedCluster was deleted before the federated objects (KubeFed keeps one while it is placed on a member that is not Ready), ` +
        `so what KubeFed made in it stays there as well: the federation's Deployments and their namespaces`
    );
}
