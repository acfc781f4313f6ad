// The RBAC that `kubefedctl join` v0.10.0 grants the federation's service account in a member.
import { FederationScope } from "./args";
import { KubernetesObject } from "./objects";

export interface PolicyRule {
    apiGroups?: string[];
    resources?: string[];
    resourceNames?: string[];
    nonResourceURLs?: string[];
    verbs: string[];
}

const RBAC_API = "rbac.authorization.k8s.io/v1";

/** Full access to every resource: KubeFed propagates any federated type. */
export const ALL_RESOURCES_RULE: PolicyRule = { apiGroups: ["*"], resources: ["*"], verbs: ["*"] };
/** Cluster scope: KubeFed's health check reads /healthz and friends. */
export const NON_RESOURCE_GET_RULE: PolicyRule = { nonResourceURLs: ["*"], verbs: ["get"] };
// Namespaced scope: the health check needs /healthz and the nodes list cluster-wide.
// kubefedctl writes the verbs "Get"/"List", which match nothing: RBAC verbs are lower case.
export const HEALTH_CHECK_RULES: PolicyRule[] = [
    { nonResourceURLs: ["/healthz"], verbs: ["get"] },
    { apiGroups: [""], resources: ["nodes"], verbs: ["list"] },
];

export interface RBACNames {
    /** The federation's service account in the member, `<member>-<host>`. */
    serviceAccount: string;
    /** The KubeFed namespace, where the service account lives. */
    namespace: string;
}

/** `kubefed-controller-manager:<member>-<host>`: the name of the role and its binding. */
export function roleName(serviceAccount: string): string {
    return `kubefed-controller-manager:${serviceAccount}`;
}

/** `kubefed-controller-manager:<namespace>:healthcheck-<member>-<host>` (Namespaced scope only). */
export function healthCheckRoleName(namespace: string, serviceAccount: string): string {
    return `kubefed-controller-manager:${namespace}:healthcheck-${serviceAccount}`;
}

function roleAndBinding(roleKind: "ClusterRole" | "Role", name: string, namespace: string | undefined, rules: PolicyRule[], names: RBACNames): KubernetesObject[] {
    const metadata = namespace ? { name, namespace } : { name };
    return [
        { apiVersion: RBAC_API, kind: roleKind, metadata, rules },
        {
            apiVersion: RBAC_API,
            kind: `${roleKind}Binding`,
            metadata,
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name },
            subjects: [{ kind: "ServiceAccount", name: names.serviceAccount, namespace: names.namespace }],
        },
    ];
}

/** The roles and bindings one member grants the federation, in the order kubefedctl creates them. */
export function memberRBAC(scope: FederationScope, names: RBACNames): KubernetesObject[] {
    const name = roleName(names.serviceAccount);
    if (scope === "Cluster") {
        return roleAndBinding("ClusterRole", name, undefined, [ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE], names);
    }
    return [
        ...roleAndBinding("Role", name, names.namespace, [ALL_RESOURCES_RULE], names),
        ...roleAndBinding("ClusterRole", healthCheckRoleName(names.namespace, names.serviceAccount), undefined, HEALTH_CHECK_RULES, names),
    ];
}
