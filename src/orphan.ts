// `orphanWorkloadsOnUnjoin`: a member that leaves the federation keeps its workloads running,
// no longer managed by KubeFed.
//
// KubeFed v0.10.0 deletes a workload from every cluster that leaves its placement; it only orphans
// (removes its `kubefed.io/managed` label) when the federated resource itself is deleted. So,
// before any placement changes, the departing member is taken out of KubeFed's hands: the role
// of KubeFed's service account in the member is narrowed to read and patch (KubeFed creates,
// updates and deletes with other verbs, so it can neither delete nor re-adopt anything there),
// then the label is removed from the member's federated Namespaces and Deployments with that
// same service account. The rest of the unjoin deletes the role as usual. Should the release
// fail, the role gets back what the join gave it (the narrowed role may `escalate` itself for
// that), since the update then fails and the member stays a member.
//
// No Pulumi here: the component runs `releaseWorkloads` from a resource hook (component.ts).
import { memberOfKubeconfigKey } from "./federation";
import { DEFAULT_TYPES, FederatedType } from "./federated-types";
import { KubeApi, unlessNotFound } from "./kubeapi";
import { memberRBAC, NON_RESOURCE_GET_RULE, PolicyRule, roleName } from "./rbac";
import { joinNames, JoinSettings } from "./join";

export const MANAGED_LABEL = "kubefed.io/managed";
const MANAGED_SELECTOR = `labelSelector=${encodeURIComponent(`${MANAGED_LABEL}=true`)}`;
const RBAC_PATH = "/apis/rbac.authorization.k8s.io/v1";

/** The target types whose objects a release unlabels (and so may list and patch): KubeFed's, and the program's own. */
export type ReleasedType = Pick<FederatedType, "group" | "version" | "kind" | "plural" | "namespaced">;

/**
 * What KubeFed's role in a departing member keeps: enough to find and unlabel what it propagated
 * (Namespaces and every federated type), nothing to create, update or delete.
 */
export function releaseRules(types: ReleasedType[] = DEFAULT_TYPES): PolicyRule[] {
    const byGroup = new Map<string, Set<string>>([["", new Set(["namespaces"])]]);
    for (const t of types) {
        byGroup.set(t.group, new Set([...(byGroup.get(t.group) ?? []), t.plural]));
    }
    return [...byGroup].sort(([a], [b]) => a.localeCompare(b)).map(([group, plurals]) => ({ apiGroups: [group], resources: [...plurals].sort(), verbs: ["get", "list", "patch"] }));
}

/**
 * The narrowed role: the release rules, and the right to give the role back what the join gave it
 * (`escalate`: RBAC refuses to grant more than one holds otherwise) should the release fail.
 */
export function narrowedRules(scope: JoinSettings["scope"], role: string, types: ReleasedType[] = DEFAULT_TYPES): PolicyRule[] {
    const ownRole: PolicyRule = { apiGroups: ["rbac.authorization.k8s.io"], resources: [scope === "Namespaced" ? "roles" : "clusterroles"], resourceNames: [role], verbs: ["get", "patch", "escalate"] };
    return scope === "Namespaced" ? [...releaseRules(types), ownRole] : [...releaseRules(types), ownRole, NON_RESOURCE_GET_RULE];
}

/** The members the kubeconfig Secret's previous data holds (`kubeconfig-<member>`) that are not members now. */
export function departingMembers(previousData: { [key: string]: unknown } | undefined, members: Iterable<string>): string[] {
    const now = new Set(members);
    return Object.keys(previousData ?? {})
        .map(memberOfKubeconfigKey)
        .filter((name): name is string => name !== undefined && !now.has(name))
        .sort();
}

/** The members a FederatedNamespace, FederatedDeployment or ReplicaSchedulingPreference places on. */
export function placedOn(object: { spec?: { placement?: { clusters?: { name: string }[] }; clusters?: { [name: string]: unknown } } } | undefined): string[] {
    const byName = (object?.spec?.placement?.clusters ?? []).map((c) => c.name);
    const byWeight = Object.keys(object?.spec?.clusters ?? {});
    return [...new Set([...byName, ...byWeight])].sort();
}

export interface ReleaseOptions {
    /** The federated types whose objects to release; default the ten KubeFed's chart enables. */
    types?: ReleasedType[];
    /** How long to wait for the API server's authorizer to apply the narrowed role; default 30 s. */
    timeoutMs?: number;
    pollMs?: number;
}

/**
 * Leaves one departing member's federated Namespaces and Deployments running without KubeFed:
 * narrows KubeFed's role there, waits until the member's authorizer denies KubeFed updates,
 * then removes the managed label. `api` acts as KubeFed's own service account in the member.
 * Returns what it unlabelled, e.g. `deployment shop/web`.
 */
export async function releaseWorkloads(api: KubeApi, memberName: string, settings: JoinSettings, options: ReleaseOptions = {}): Promise<string[]> {
    const { role, path } = kubefedRole(memberName, settings);
    await api.request("PATCH", path, { rules: narrowedRules(settings.scope, role, options.types) });
    try {
        await untilDenied(api, settings.scope === "Namespaced" ? settings.kubefedNamespace : undefined, options);
        return await unlabelManaged(api, settings, options.types ?? DEFAULT_TYPES);
    } catch (e) {
        // The update fails and the member stays a member: KubeFed gets back the role the join gave it.
        try {
            await restoreRole(api, memberName, settings);
        } catch (restore) {
            throw new Error(`${(e as Error).message}; and KubeFed's role could not be restored (${(restore as Error).message}): \`pulumi up --refresh\` restores it`);
        }
        throw new Error(`${(e as Error).message} (KubeFed's role there was restored)`);
    }
}

/** KubeFed's role in a member: its name and API path. */
function kubefedRole(memberName: string, settings: JoinSettings): { role: string; path: string } {
    const role = roleName(joinNames(memberName, settings).serviceAccount);
    const namespaced = settings.scope === "Namespaced";
    return { role, path: `${RBAC_PATH}${namespaced ? `/namespaces/${settings.kubefedNamespace}/roles` : "/clusterroles"}/${encodeURIComponent(role)}` };
}

/** Gives KubeFed's role in the member back the rules the join gave it (the narrowed role may escalate itself for that); what was unlabelled, KubeFed adopts again. */
export async function restoreRole(api: KubeApi, memberName: string, settings: JoinSettings): Promise<void> {
    const serviceAccount = joinNames(memberName, settings).serviceAccount;
    const { role, path } = kubefedRole(memberName, settings);
    const joined = memberRBAC(settings.scope, { serviceAccount, namespace: settings.kubefedNamespace }).find((o) => o.metadata.name === role && o.kind.endsWith("Role"));
    await api.request("PATCH", path, { rules: joined!.rules });
}

/** A departing member to release, with the federation's own client for it (which may fail to be made). */
export interface Departing {
    member: string;
    api: () => Promise<KubeApi>;
}

/**
 * Releases every departing member, all or nothing: when one fails, every member released before it
 * in this update gets KubeFed's role back too, and the error names each one restored (and any that
 * could not be, with the command that restores it). Resolves with what was left running, per member.
 */
export async function releaseAll(departing: Departing[], settings: JoinSettings, options: ReleaseOptions = {}): Promise<Map<string, string[]>> {
    const released = new Map<string, { api: KubeApi; objects: string[] }>();
    for (const { member, api: apiOf } of departing) {
        try {
            const api = await apiOf();
            released.set(member, { api, objects: await releaseWorkloads(api, member, settings, options) });
        } catch (e) {
            const restored: string[] = [];
            const unrestored: string[] = [];
            for (const [name, { api }] of released) {
                try {
                    await restoreRole(api, name, settings);
                    restored.push(`"${name}"`);
                } catch (r) {
                    unrestored.push(`"${name}" (${(r as Error).message})`);
                }
            }
            const also = [
                restored.length > 0 ? ` KubeFed's role was also restored in ${restored.join(", ")}, released earlier in this update.` : "",
                unrestored.length > 0 ? ` KubeFed's role could NOT be restored in ${unrestored.join(", ")}: \`pulumi up --refresh\` restores it.` : "",
            ].join("");
            throw new Error(`could not leave the workloads of departing member "${member}" running: ${(e as Error).message}.${also}`);
        }
    }
    return new Map([...released].map(([name, { objects }]) => [name, objects]));
}

/**
 * Removes the managed label from everything KubeFed propagated to the member: its Namespaces and
 * the objects of every federated type (a type the member does not serve is passed over); returns
 * what it unlabelled, e.g. `deployment shop/web`.
 */
async function unlabelManaged(api: KubeApi, settings: JoinSettings, types: ReleasedType[]): Promise<string[]> {
    const namespaced = settings.scope === "Namespaced";
    const released: string[] = [];
    const scope = namespaced ? `/namespaces/${settings.kubefedNamespace}` : "";
    const all: ReleasedType[] = [{ group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false }, ...types];
    // A KubeFed of scope Namespaced propagates only into its own namespace: no cluster-scoped objects.
    for (const type of all.filter((t) => t.namespaced || !namespaced)) {
        const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
        const list = await unlessNotFound(api.request<{ items: { metadata: ObjectName }[] }>("GET", `${base}${type.namespaced ? scope : ""}/${type.plural}?${MANAGED_SELECTOR}`), { items: [] });
        for (const { metadata } of list.items) {
            const path = `${base}${type.namespaced ? `/namespaces/${metadata.namespace}` : ""}/${type.plural}/${encodeURIComponent(metadata.name)}`;
            await api.request("PATCH", path, { metadata: { labels: { [MANAGED_LABEL]: null } } });
            released.push(`${type.kind.toLowerCase()} ${metadata.namespace ? `${metadata.namespace}/` : ""}${metadata.name}`);
        }
    }
    return released;
}

interface ObjectName {
    name: string;
    namespace?: string;
}

/** Polls a SelfSubjectAccessReview until KubeFed's service account may no longer update Deployments. */
async function untilDenied(api: KubeApi, namespace: string | undefined, options: ReleaseOptions): Promise<void> {
    const review = {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { group: "apps", resource: "deployments", verb: "update", namespace } },
    };
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
        const answer = await api.request<{ status?: { allowed?: boolean } }>("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review);
        if (!answer?.status?.allowed) {
            return;
        }
        if (Date.now() >= deadline) {
            throw new Error("KubeFed's service account may still update Deployments after its role was narrowed: another binding grants it more");
        }
        await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
    }
}
