// What `kubefed describe` shows of a member, as the component's `clusters` output. No credentials.
import { ClusterDescription } from "./args";
import { MemberEndpoint } from "./endpoint";
import { joinNames, JoinSettings } from "./join";
import { MemberSpec } from "./validate";

/** A condition KubeFed's cluster controller reports on a KubeFedCluster (Ready, Offline). */
export interface KubeFedClusterCondition {
    type: string;
    status: string;
    reason?: string;
    message?: string;
}

export interface KubeFedClusterStatus {
    conditions?: KubeFedClusterCondition[];
}

/** True when the KubeFed controller reports the cluster Ready. */
export function isReady(status: KubeFedClusterStatus | undefined): boolean {
    return (status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

export function describeMember(
    member: Pick<MemberSpec, "name" | "labels" | "replicas">,
    settings: JoinSettings,
    endpoint: MemberEndpoint,
    ready?: boolean,
): ClusterDescription {
    const names = joinNames(member.name, settings);
    const description: ClusterDescription = {
        name: member.name,
        apiEndpoint: endpoint.apiEndpoint,
        serverAddressByClientCIDRs: endpoint.serverAddressByClientCIDRs,
        labels: member.labels,
        replicas: member.replicas,
        serviceAccountName: names.serviceAccount,
        secretName: names.hostTokenSecret,
        kubeFedClusterName: names.kubeFedCluster,
    };
    if (ready !== undefined) {
        description.ready = ready;
    }
    return description;
}
