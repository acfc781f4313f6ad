// What the component asks or tells the host itself, with `hostKubeconfig`; everything else on the
// host goes through pulumi-kubernetes. No Pulumi here: resource hooks in component.ts call these.
//
// - Why a member is not Ready: KubeFed's conditions on its KubeFedCluster, for the error of a
//   `waitForReady` that ran out of time (pulumi-kubernetes says only "timed out").
// - A destroy with a member KubeFed cannot reach: the federation's KubeFedClusters, its
//   kubeconfig Secret's entries, and the deletion of a dead member's KubeFedCluster (teardown.ts).
// - A `kubefedctl join` taken over: kubefedctl's copy of the token on the host (a Secret it named
//   `<member>-<5 random characters>`) is recorded on the KubeFedCluster before the component
//   points it at its own Secret, and deleted after. Recorded on the object itself, so an update
//   that fails in between leaves the name where the next update finds it.
import { KubeFedClusterCondition, KubeFedClusterStatus } from "./describe";
import { KubeApi, unlessNotFound } from "./kubeapi";

/** On a KubeFedCluster: the host token Secret it referenced before the component took it over. */
export const REPLACED_SECRET_ANNOTATION = "kubefed-iac.io/replaced-token-secret";

export interface KubeFedClusterObject {
    metadata: { name: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string } };
    spec?: { secretRef?: { name?: string } };
    status?: KubeFedClusterStatus;
}

const kubeFedClustersPath = (namespace: string) => `/apis/core.kubefed.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/kubefedclusters`;
const kubeFedClusterPath = (namespace: string, name: string) => `${kubeFedClustersPath(namespace)}/${encodeURIComponent(name)}`;
const secretPath = (namespace: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;

/** The KubeFedCluster, or undefined when there is none. */
function getKubeFedCluster(api: KubeApi, namespace: string, name: string): Promise<KubeFedClusterObject | undefined> {
    return unlessNotFound(api.request<KubeFedClusterObject>("GET", kubeFedClusterPath(namespace, name)), undefined);
}

/** The KubeFedClusters that carry `label=value` (a federation's: see FEDERATION_LABEL). */
export async function labelledKubeFedClusters(api: KubeApi, namespace: string, label: string, value: string): Promise<KubeFedClusterObject[]> {
    const selector = encodeURIComponent(`${label}=${value}`);
    return (await api.request<{ items: KubeFedClusterObject[] }>("GET", `${kubeFedClustersPath(namespace)}?labelSelector=${selector}`)).items;
}

/** Deletes a KubeFedCluster (KubeFed then forgets the member); false when there was none. */
export function deleteKubeFedCluster(api: KubeApi, namespace: string, name: string): Promise<boolean> {
    return unlessNotFound(api.request("DELETE", kubeFedClusterPath(namespace, name)).then(() => true), false);
}

/** A Secret's data (base64 values), or undefined when there is no such Secret. */
export function secretData(api: KubeApi, namespace: string, name: string): Promise<{ [key: string]: string } | undefined> {
    return unlessNotFound(api.request<{ data?: { [key: string]: string } }>("GET", secretPath(namespace, name)).then((secret) => secret.data ?? {}), undefined);
}

/** KubeFed's verdict in words: each condition, `Ready=False (ClusterNotReachable): cluster is not reachable: ...`. */
export function describeConditions(conditions: KubeFedClusterCondition[]): string {
    if (conditions.length === 0) {
        return "KubeFed has not reported on it yet (no conditions: is the KubeFed controller running?)";
    }
    return `KubeFed says ${conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? `: ${c.message}` : ""}`).join("; ")}`;
}

/** The error of a member whose KubeFedCluster failed to become Ready: its name, the time allowed, and KubeFed's conditions. */
export function notReadyMessage(member: string, timeoutSeconds: number, conditions: KubeFedClusterCondition[]): string {
    return `member "${member}" is not Ready (waitForReady waits up to ${timeoutSeconds} s, readyTimeoutSeconds): ${describeConditions(conditions)}`;
}

/** KubeFed's current conditions for the member's KubeFedCluster (none yet: empty); undefined when it does not exist. */
export async function kubeFedClusterConditions(api: KubeApi, namespace: string, name: string): Promise<KubeFedClusterCondition[] | undefined> {
    const cluster = await getKubeFedCluster(api, namespace, name);
    return cluster === undefined ? undefined : (cluster.status?.conditions ?? []);
}

/**
 * Before the component applies its KubeFedCluster: when one exists that references another host
 * token Secret than `ownSecret` (a `kubefedctl join`), records that Secret's name on it. Returns
 * the name recorded, if any.
 */
export async function recordReplacedSecret(api: KubeApi, namespace: string, name: string, ownSecret: string): Promise<string | undefined> {
    const existing = await getKubeFedCluster(api, namespace, name);
    const previous = existing?.spec?.secretRef?.name;
    if (!existing || !previous || previous === ownSecret || existing.metadata.annotations?.[REPLACED_SECRET_ANNOTATION]) {
        return undefined;
    }
    await api.request("PATCH", kubeFedClusterPath(namespace, name), { metadata: { annotations: { [REPLACED_SECRET_ANNOTATION]: previous } } });
    return previous;
}

/**
 * After the component applied its KubeFedCluster: deletes the Secret recorded on it, unless a
 * KubeFedCluster still references it, and removes the record. Returns the Secret deleted, if any.
 */
export async function deleteReplacedSecret(api: KubeApi, namespace: string, name: string): Promise<string | undefined> {
    const cluster = await getKubeFedCluster(api, namespace, name);
    const replaced = cluster?.metadata.annotations?.[REPLACED_SECRET_ANNOTATION];
    if (!replaced) {
        return undefined;
    }
    const all = await api.request<{ items: KubeFedClusterObject[] }>("GET", kubeFedClustersPath(namespace));
    const stillUsed = all.items.some((c) => c.spec?.secretRef?.name === replaced);
    // Already gone (a 404): nothing deleted, the record is removed all the same.
    const deleted = !stillUsed && (await unlessNotFound(api.request("DELETE", secretPath(namespace, replaced)).then(() => true), false));
    await api.request("PATCH", kubeFedClusterPath(namespace, name), { metadata: { annotations: { [REPLACED_SECRET_ANNOTATION]: null } } });
    return deleted ? replaced : undefined;
}

/** On a departing member's KubeFedCluster: its workloads were released (orphanWorkloadsOnUnjoin). */
export const RELEASED_ANNOTATION = "kubefed-iac.io/workloads-released";

/** Records on the member's KubeFedCluster that its workloads were released. */
export async function recordReleased(api: KubeApi, namespace: string, name: string): Promise<void> {
    await api.request("PATCH", kubeFedClusterPath(namespace, name), { metadata: { annotations: { [RELEASED_ANNOTATION]: "true" } } });
}

/**
 * Whether KubeFed can no longer delete the member's workloads when a placement drops it: its
 * workloads were released (recorded), or KubeFed does not know the member any more.
 */
export async function releasedOrForgotten(api: KubeApi, namespace: string, name: string): Promise<boolean> {
    const cluster = await getKubeFedCluster(api, namespace, name);
    return cluster === undefined || cluster.metadata.annotations?.[RELEASED_ANNOTATION] === "true";
}

/** The members of a federation (`label=value`) whose KubeFedCluster carries a release record. */
export async function releasedMembers(api: KubeApi, namespace: string, label: string, value: string): Promise<string[]> {
    return (await labelledKubeFedClusters(api, namespace, label, value)).filter((c) => c.metadata.annotations?.[RELEASED_ANNOTATION] === "true").map((c) => c.metadata.name);
}

/** Removes the release record from the member's KubeFedCluster (it has served). */
export async function clearReleased(api: KubeApi, namespace: string, name: string): Promise<void> {
    await api.request("PATCH", kubeFedClusterPath(namespace, name), { metadata: { annotations: { [RELEASED_ANNOTATION]: null } } });
}
