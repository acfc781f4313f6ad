// Which kinds can be federated, and what federates them: the ten types KubeFed v0.10.0's chart
// enables, and the types a program enables itself (`federatedTypes`: what `kubefedctl enable`
// creates, a federated CRD and a FederatedTypeConfig). Pure: no Pulumi.
import { FederatedTypeArgs, FederationScope } from "./args";
import { KubernetesObject } from "./objects";

export const FEDERATED_GROUP = "types.kubefed.io";
export const FEDERATED_VERSION = "v1beta1";

/** A kind that can be federated: its target type and its federated type. */
export interface FederatedType {
    /** The target's API group ("" for core), version, kind and plural. */
    group: string;
    version: string;
    kind: string;
    plural: string;
    namespaced: boolean;
    /** `Federated<Kind>` in types.kubefed.io/v1beta1. */
    federatedKind: string;
    federatedPlural: string;
    /** Enabled by the program (federatedTypes), not by KubeFed's chart. */
    enabledHere: boolean;
}

function federatedType(t: FederatedTypeArgs, enabledHere: boolean): FederatedType {
    return { ...t, federatedKind: `Federated${t.kind}`, federatedPlural: `federated${t.plural}`, enabledHere };
}

/** The types KubeFed v0.10.0's chart enables (its FederatedTypeConfigs), but Namespace, which the component federates itself per namespace. */
export const DEFAULT_TYPES: FederatedType[] = (
    [
        ["rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false],
        ["", "v1", "ConfigMap", "configmaps", true],
        ["apps", "v1", "Deployment", "deployments", true],
        ["networking.k8s.io", "v1", "Ingress", "ingresses", true],
        ["batch", "v1", "Job", "jobs", true],
        ["apps", "v1", "ReplicaSet", "replicasets", true],
        ["", "v1", "Secret", "secrets", true],
        ["", "v1", "ServiceAccount", "serviceaccounts", true],
        ["", "v1", "Service", "services", true],
    ] as const
).map(([group, version, kind, plural, namespaced]) => federatedType({ group, version, kind, plural, namespaced }, false));

/** `apps/v1`, or `v1` for the core group. */
export const apiVersionOf = (t: { group: string; version: string }) => (t.group ? `${t.group}/${t.version}` : t.version);

/** Every type a federation can federate: the chart's, and the program's own. */
export function knownTypes(federatedTypes: FederatedTypeArgs[]): FederatedType[] {
    return [...DEFAULT_TYPES, ...federatedTypes.map((t) => federatedType(t, true))];
}

/** The type of an object of `apiVersion` and `kind`, or undefined when it is not federated. */
export function typeOf(types: FederatedType[], apiVersion: string, kind: string): FederatedType | undefined {
    return types.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

/** `widgets.example.com`, or `configmaps` for the core group: the FederatedTypeConfig's name, as kubefedctl names it. */
export const typeConfigName = (t: { group: string; plural: string }) => (t.group ? `${t.plural}.${t.group}` : t.plural);

/** The CRD of the federated type (`federatedwidgets.types.kubefed.io`): a template of the target, placement, overrides. */
export function federatedCRD(t: FederatedType): KubernetesObject {
    const any = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    const selector = {
        type: "object",
        properties: {
            matchLabels: { type: "object", additionalProperties: { type: "string" } },
            matchExpressions: { type: "array", items: { type: "object", properties: { key: { type: "string" }, operator: { type: "string" }, values: { type: "array", items: { type: "string" } } } } },
        },
    };
    const spec = {
        type: "object",
        properties: {
            template: any,
            placement: { type: "object", properties: { clusters: { type: "array", items: { type: "object", required: ["name"], properties: { name: { type: "string" } } } }, clusterSelector: selector } },
            overrides: {
                type: "array",
                items: {
                    type: "object",
                    properties: {
                        clusterName: { type: "string" },
                        clusterOverrides: {
                            type: "array",
                            items: { type: "object", required: ["path"], properties: { op: { type: "string", enum: ["add", "remove", "replace"] }, path: { type: "string" }, value: { "x-kubernetes-preserve-unknown-fields": true } } },
                        },
                    },
                },
            },
        },
    };
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${t.federatedPlural}.${FEDERATED_GROUP}` },
        spec: {
            group: FEDERATED_GROUP,
            names: { kind: t.federatedKind, listKind: `${t.federatedKind}List`, plural: t.federatedPlural, singular: t.federatedKind.toLowerCase() },
            scope: t.namespaced ? "Namespaced" : "Cluster",
            versions: [{ name: FEDERATED_VERSION, served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: "object", properties: { spec, status: any } } } }],
        },
    };
}

/** The FederatedTypeConfig that tells KubeFed to propagate the type (in the KubeFed namespace). */
export function federatedTypeConfig(t: FederatedType, kubefedNamespace: string): KubernetesObject {
    const scopeOf = (namespaced: boolean): FederationScope => (namespaced ? "Namespaced" : "Cluster");
    return {
        apiVersion: "core.kubefed.io/v1beta1",
        kind: "FederatedTypeConfig",
        metadata: { name: typeConfigName(t), namespace: kubefedNamespace },
        spec: {
            federatedType: { group: FEDERATED_GROUP, kind: t.federatedKind, pluralName: t.federatedPlural, scope: scopeOf(t.namespaced), version: FEDERATED_VERSION },
            propagation: "Enabled",
            targetType: { ...(t.group ? { group: t.group } : {}), kind: t.kind, pluralName: t.plural, scope: scopeOf(t.namespaced), version: t.version },
        },
    };
}
