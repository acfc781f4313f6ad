// Federated resources of any kind, as plain objects: the `Federated<Kind>` of an object (its
// template, its placement as an explicit list of members, its per-member overrides), and the
// resolution of override rules into KubeFed's per-member overrides. A workload's
// FederatedDeployment is one of these (workloads.ts). Pure: no Pulumi.
import { FederatedResourceArgs, OverridePatch } from "./args";
import { FederatedType, FEDERATED_GROUP, FEDERATED_VERSION } from "./federated-types";
import { KubernetesObject, sortedBy } from "./objects";
import { PlacementMember, placedMembers, WaitSettings, waitAnnotations } from "./placement";

/** One of KubeFed's override operations; `op` left out means replace, as KubeFed reads it. */
export interface ClusterOverride<V = unknown> {
    op?: "add" | "remove";
    path: string;
    value?: V;
}

/** KubeFed's overrides of one member. */
export interface MemberOverrides<V = unknown> {
    clusterName: string;
    clusterOverrides: ClusterOverride<V>[];
}

/** The members a rule targets, among those placed: by name, or by labels. */
export function ruleMembers<M extends PlacementMember>(rule: { clusters?: string[]; clusterSelector?: { [key: string]: string } }, placed: M[]): M[] {
    return placedMembers({ clusters: rule.clusters, clusterSelector: rule.clusterSelector ?? {} }, placed);
}

/**
 * KubeFed's overrides for the placed members, from `base` (per member, first) and the rules in
 * order. On each member a later patch of a path replaces an earlier one of the same path, and goes
 * at the end (KubeFed applies them in order): the list holds no patch that could not matter.
 * Members with no override are left out.
 */
export function resolveOverrides<V>(
    placed: PlacementMember[],
    rules: { clusters?: string[]; clusterSelector?: { [key: string]: string }; patches: OverridePatch[] }[],
    base: (member: PlacementMember) => ClusterOverride<V>[] = () => [],
): MemberOverrides<V>[] {
    const perMember = new Map<string, ClusterOverride<V>[]>(placed.map((m) => [m.name, [...base(m)]]));
    for (const rule of rules) {
        for (const member of ruleMembers(rule, placed)) {
            const list = perMember.get(member.name)!;
            for (const patch of rule.patches) {
                const at = list.findIndex((o) => o.path === patch.path);
                if (at >= 0) {
                    list.splice(at, 1);
                }
                const op = patch.op ?? "replace";
                list.push({ ...(op === "replace" ? {} : { op }), path: patch.path, ...(op === "remove" ? {} : { value: patch.value as V }) });
            }
        }
    }
    return sortedBy(placed, (m) => m.name)
        .map((m) => ({ clusterName: m.name, clusterOverrides: perMember.get(m.name)! }))
        .filter((o) => o.clusterOverrides.length > 0);
}

/** The object's template: what KubeFed writes in each member, but apiVersion, kind, name, namespace and status. */
export function templateOf<O extends { metadata?: { name?: string; namespace?: string; labels?: unknown; annotations?: unknown } }>(object: O): Record<string, unknown> {
    const { apiVersion: _apiVersion, kind: _kind, metadata, status: _status, ...rest } = object as O & { apiVersion?: unknown; kind?: unknown; status?: unknown };
    const kept: Record<string, unknown> = {};
    if (metadata?.labels !== undefined) kept.labels = metadata.labels;
    if (metadata?.annotations !== undefined) kept.annotations = metadata.annotations;
    return { metadata: kept, ...rest };
}

/** The key of a federated resource in the `propagation` output and in messages: `<kind>/<namespace>/<name>`, or `<kind>/<name>`. */
export function resourceKey(object: { kind: string; metadata: { name: string; namespace?: string } }): string {
    return object.metadata.namespace ? `${object.kind}/${object.metadata.namespace}/${object.metadata.name}` : `${object.kind}/${object.metadata.name}`;
}

/**
 * The `Federated<Kind>` of an object: its template (`V`: plain in tests, an output in the
 * component), the explicit list of placed members (a selector is resolved by the component, so a
 * member's removal is a placement change while its KubeFedCluster exists), and its overrides.
 * It waits until KubeFed has processed it (WAIT_FOR_SYNC), like every federated object.
 */
export function federatedObject<V, O = unknown>(
    type: FederatedType,
    metadata: { name: string; namespace?: string },
    template: V,
    placed: PlacementMember[],
    overrides: MemberOverrides<O>[],
    settings: WaitSettings,
    extraAnnotations: { [key: string]: string } = {},
): KubernetesObject<V> {
    const spec: Record<string, unknown> = { template, placement: { clusters: placed.map((m) => ({ name: m.name })) } };
    if (overrides.length > 0) {
        spec.overrides = overrides;
    }
    return {
        apiVersion: `${FEDERATED_GROUP}/${FEDERATED_VERSION}`,
        kind: type.federatedKind,
        metadata: { ...metadata, annotations: { ...waitAnnotations(settings), ...extraAnnotations } },
        spec,
    };
}

/** A resource's placed members: by name, by labels, or every member. */
export function resourcePlacement<M extends PlacementMember>(resource: FederatedResourceArgs, members: M[]): M[] {
    return placedMembers({ clusters: resource.clusters, clusterSelector: resource.clusterSelector }, members);
}
