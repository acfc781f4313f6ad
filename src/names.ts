// The one place that decides the logical names of the component's children.
//
// Every name is `<component>/<kind of thing>/<key>[/<part>]`. Member names, namespaces and
// workload names are DNS names, which never contain "/", so no two valid configurations give two
// children the same name (the earlier `<component>-<member>-<part>` names did: members "a" and
// "a-host" both gave "...-a-host-token"). Kubernetes providers keep their old names: a provider
// rename would re-point every resource under it, and their names never collided.
//
// Stacks created by 0.1.0 carry the old names; `LegacyAliases` gives each new name its old one, for
// an alias. Pure: no Pulumi.

/** The part of a member's logical names that says which of its join objects it is. */
export type MemberPart =
    | "namespace"
    | "service-account"
    | "token"
    | "cluster-role"
    | "cluster-role-binding"
    | "role"
    | "role-binding"
    | "host-token"
    | "kubefedcluster";

export const names = {
    config: (component: string) => `${component}-config`,
    kubeconfig: (component: string) => `${component}-kubeconfig`,
    /** The kubernetes provider of a member (name kept from 0.1.0, see above). */
    memberProvider: (component: string, member: string) => `${component}-${member}`,
    member: (component: string, member: string, part: MemberPart) => `${component}/members/${member}/${part}`,
    /** The host namespace of workloads, and its FederatedNamespace (the two differ in type). */
    namespace: (component: string, namespace: string) => `${component}/namespaces/${namespace}`,
    /** A workload's FederatedDeployment, and its ReplicaSchedulingPreference (the two differ in type). */
    workload: (component: string, namespace: string, workload: string) => `${component}/workloads/${namespace}/${workload}`,
    /**
     * A federated resource (`resources`): `<component>/resources/<kind>/<namespace>/<name>`, or
     * `<component>/resources/<kind>/<name>` for a cluster-scoped kind. Kinds are alphanumeric,
     * namespaces and names DNS names: neither holds "/", so the two forms never meet.
     */
    resource: (component: string, object: { kind: string; metadata: { name: string; namespace?: string } }) =>
        `${component}/resources/${object.kind}/${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`,
    /** A type the program enables (`federatedTypes`): its federated CRD, and its FederatedTypeConfig (the two differ in type). */
    federatedType: (component: string, typeConfigName: string) => `${component}/types/${typeConfigName}`,
    /** With hostKubeconfig: what lets a destroy with a member down complete (teardown-resource.ts). */
    unreachableMemberRelease: (component: string) => `${component}/unreachable-member-release`,
    /** KubefedControlPlane's children: the namespace KubeFed runs in, the Helm release of its chart, what deletes the FederatedTypeConfigs first. */
    controlPlane: (component: string, part: "namespace" | "release" | "teardown") => `${component}/${part}`,
    /** Resource hooks of orphanWorkloadsOnUnjoin and of the propagation report. */
    hook: (component: string, purpose: string) => `${component}-${purpose}`,
};

/** The 0.1.0 names, which could collide; used only for aliases (see `LegacyAliases`). */
const legacy = {
    member: (component: string, member: string, part: MemberPart) => `${component}-${member}-${part}`,
    hostNamespace: (component: string, namespace: string) => `${component}-${namespace}-namespace`,
    federatedNamespace: (component: string, namespace: string) => `${component}-${namespace}-federatednamespace`,
    federatedDeployment: (component: string, namespace: string, workload: string) => `${component}-${namespace}-${workload}`,
    scheduling: (component: string, namespace: string, workload: string) => `${component}-${namespace}-${workload}-scheduling`,
};

/** The kind of resource each member part is: old names collide only within one kind. */
const MEMBER_PART_KIND: { [part in MemberPart]: string } = {
    namespace: "NamespacePatch",
    "service-account": "ServiceAccount",
    token: "Secret",
    "cluster-role": "ClusterRole",
    "cluster-role-binding": "ClusterRoleBinding",
    role: "Role",
    "role-binding": "RoleBinding",
    "host-token": "Secret",
    kubefedcluster: "KubeFedCluster",
};

export interface NamedChildren {
    members: string[];
    /** The parts every member has (its RBAC depends on the scope). */
    memberParts: MemberPart[];
    workloads: { namespace: string; name: string }[];
}

/**
 * The aliases of each child: its 0.1.0 name, where that name was unambiguous in this
 * configuration (one whose old names collided could not have been deployed, and two resources
 * must never claim one alias).
 */
export class LegacyAliases {
    private readonly counts = new Map<string, number>();

    constructor(private readonly component: string, children: NamedChildren) {
        for (const member of children.members) {
            for (const part of children.memberParts) {
                this.count(MEMBER_PART_KIND[part], legacy.member(component, member, part));
            }
        }
        for (const namespace of new Set(children.workloads.map((w) => w.namespace))) {
            this.count("NamespacePatch", legacy.hostNamespace(component, namespace));
            this.count("FederatedNamespace", legacy.federatedNamespace(component, namespace));
        }
        for (const w of children.workloads) {
            this.count("FederatedDeployment", legacy.federatedDeployment(component, w.namespace, w.name));
            this.count("ReplicaSchedulingPreference", legacy.scheduling(component, w.namespace, w.name));
        }
    }

    member(member: string, part: MemberPart) {
        return this.aliases(MEMBER_PART_KIND[part], legacy.member(this.component, member, part));
    }
    hostNamespace(namespace: string) {
        return this.aliases("NamespacePatch", legacy.hostNamespace(this.component, namespace));
    }
    federatedNamespace(namespace: string) {
        return this.aliases("FederatedNamespace", legacy.federatedNamespace(this.component, namespace));
    }
    federatedDeployment(namespace: string, workload: string) {
        return this.aliases("FederatedDeployment", legacy.federatedDeployment(this.component, namespace, workload));
    }
    scheduling(namespace: string, workload: string) {
        return this.aliases("ReplicaSchedulingPreference", legacy.scheduling(this.component, namespace, workload));
    }

    private count(kind: string, oldName: string): void {
        const key = `${kind}::${oldName}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }

    private aliases(kind: string, oldName: string): { name: string }[] {
        return this.counts.get(`${kind}::${oldName}`) === 1 ? [{ name: oldName }] : [];
    }
}
