import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Where KubeFed's controller watches: the whole cluster, or only its own namespace. */
export type FederationScope = "Cluster" | "Namespaced";

/** A TLS validation the host skips when it reaches a member: "*" (all of them, alone), "SubjectName", "ValidityPeriod". */
export type TLSValidation = "*" | "SubjectName" | "ValidityPeriod";

/** One `serverAddressByClientCIDRs` entry: clients in `clientCIDR` reach the member at `serverAddress`. */
export interface ServerAddressByClientCIDR {
    clientCIDR: string;
    serverAddress: string;
}

/** A member cluster of the federation: what `kubefedctl join` takes on its command line. */
export interface MemberClusterArgs {
    /** DNS-1123 label, unique in the federation; the KubeFedCluster's name. */
    name: string;
    /**
     * How the program reaches the member. Always handled as a Pulumi secret.
     * @secret
     */
    kubeconfig: pulumi.Input<string>;
    /** The kubeconfig context to use; default: its current-context. */
    context?: string;
    /**
     * A kubernetes Provider the program already has for this member: the join's objects in the
     * member are made with it instead of a provider of the component's (one provider process
     * less per member). `kubeconfig` still says how the host reaches the member (the endpoint,
     * CA and documents); the provider says where the join's objects are made: both must reach
     * the same cluster. Give it `deleteUnreachable: true` for an unreachable member to be
     * removable by a plain `pulumi up`.
     */
    provider?: k8s.Provider;
    /** How the HOST reaches the member; default: the first serverAddress, else the context's server. */
    apiEndpoint?: pulumi.Input<string>;
    /** Default: `[{clientCIDR: "0.0.0.0/0", serverAddress: <apiEndpoint>}]`. */
    serverAddressByClientCIDRs?: ServerAddressByClientCIDR[];
    /** PEM of the member's API server CA; default: the context's certificate-authority-data. */
    caBundle?: pulumi.Input<string>;
    /** Labels of the KubeFedCluster, used by placement `clusterSelector`s. */
    labels?: { [key: string]: string };
    /**
     * Replicas this member runs; default 1. What `kubefed scale <cluster> --replicas=N` sets.
     * @integer
     */
    replicas?: number;
    /** "*", "SubjectName" or "ValidityPeriod"; "*" only alone. */
    disabledTLSValidations?: TLSValidation[];
    /** Proxy the host uses to reach the member: http, https or socks5. */
    proxyURL?: string;
    /**
     * Any value; each new value gives the federation a new service-account token in this member
     * (a token Secret of a new name), hands it to KubeFed, then revokes the old one. Unchanged,
     * nothing changes. E.g. the current month, to rotate monthly.
     */
    tokenRotation?: string;
}

/** A Deployment that the federation runs on some or all of its members. */
export interface FederatedDeploymentArgs {
    /** The Deployment's name in every member it runs on. */
    name: string;
    /** The Deployment's namespace; created on the host when absent, and federated to the members it runs on. */
    namespace: string;
    /** The Deployment's spec; the labels of its pod template label the Deployment too. */
    spec: pulumi.Input<k8s.types.input.apps.v1.DeploymentSpec>;
    /** Placement by member name (each must be a member). */
    clusters?: string[];
    /** Placement by member labels. Neither this nor `clusters`: every member. */
    clusterSelector?: { [key: string]: string };
    /**
     * Set: a ReplicaSchedulingPreference spreads this many replicas over the placed members, weighted
     * by their `replicas`. Unset: each placed member runs its own `replicas`.
     * @integer
     */
    totalReplicas?: number;
}

/** A JSON patch operation of KubeFed's overrides. */
export type OverrideOp = "add" | "remove" | "replace";

/** One JSON patch operation of an override; KubeFed applies them in order to a member's copy. */
export interface OverridePatch {
    /** A JSON pointer into the object, e.g. `/spec/template/spec/containers/0/image`. */
    path: string;
    /** "replace" (default), "add" or "remove". */
    op?: OverrideOp;
    /** The value for "add" and "replace"; may hold Pulumi secrets. */
    value?: pulumi.Input<any>;
}

/** Per-member differences: `patches` apply to the members named in `clusters`, or selected by `clusterSelector`. */
export interface OverrideRule {
    /** Members by name; each must be placed. */
    clusters?: string[];
    /** Members by label; must match at least one placed member. */
    clusterSelector?: { [key: string]: string };
    /** Applied in order; a later rule wins on the same path. */
    patches: OverridePatch[];
}

/** Any Kubernetes object, federated to some or all members. */
export interface FederatedResourceArgs {
    /**
     * The object as it is to be in each member: `apiVersion`, `kind`, `metadata` (a `name`, a
     * `namespace` for a namespaced kind, labels and annotations) and the rest (spec, data, ...).
     * Values inside may be outputs and secrets; a Secret's data always stays secret.
     * @any
     */
    object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>; annotations?: pulumi.Input<{ [key: string]: pulumi.Input<string> }> }; [field: string]: any };
    /** Placement by member name (each must be a member). */
    clusters?: string[];
    /** Placement by member labels. Neither this nor `clusters`: every member. */
    clusterSelector?: { [key: string]: string };
    /** Per-member differences, resolved into KubeFed's overrides per placed member. */
    overrides?: OverrideRule[];
}

/** A type to federate beyond the ten KubeFed's chart enables: what `kubefedctl enable` does. */
export interface FederatedTypeArgs {
    /** The API group of the type, e.g. "example.com" ("" for the core group). */
    group: string;
    /** The version to federate, e.g. "v1". */
    version: string;
    /** The kind, e.g. "Widget". */
    kind: string;
    /** The plural resource name, e.g. "widgets". */
    plural: string;
    /** Whether objects of the type live in a namespace. */
    namespaced: boolean;
}

/** Whether KubeFed has propagated a federated resource to one member. */
export interface MemberPropagation {
    /** KubeFed reports the member up to date. */
    propagated: boolean;
    /** KubeFed's reason when not, e.g. ClusterNotReady, or NotReported. */
    reason?: string;
}

/** Where KubeFed has propagated one federated resource. */
export interface ResourcePropagation {
    /** Per placed member. */
    members: { [member: string]: MemberPropagation };
}

/**
 * What a federation needs of its control plane: the namespace and scope KubeFed runs with, and the
 * resource its objects are created after and deleted before. `KubefedControlPlane` is one.
 */
export interface ControlPlaneReference {
    readonly controlPlaneReference: { kubefedNamespace: string; scope: FederationScope; resource: pulumi.Resource };
}

export interface KubefedControlPlaneArgs {
    /**
     * KubeFed's Helm chart: a local chart directory or archive (`.tgz`), as a path; default the
     * chart `kubefed` of KubeFed's chart repository (`repository`, `version`).
     */
    chart?: string;
    /** The chart repository, when `chart` is not a path; default KubeFed's. */
    repository?: string;
    /** The chart's version, when `chart` is not a path; default "0.10.0". */
    version?: string;
    /** The namespace KubeFed runs in, created when absent; default "kube-federation-system". */
    namespace?: string;
    /** "Cluster" (default) or "Namespaced": what KubeFed watches. */
    scope?: FederationScope;
    /** The chart's values (`global.scope` comes from `scope`). Not a place for credentials: they are stored as given. */
    values?: pulumi.Input<{ [key: string]: any }>;
    /** The Helm release's name; default "kubefed". */
    releaseName?: string;
    /**
     * How long an install or upgrade may take, the controller and webhook becoming available
     * included, before it fails; default 300.
     * @integer
     */
    timeoutSeconds?: number;
    /**
     * The host's kubeconfig, for `pulumi destroy` to uninstall KubeFed as its chart says: the
     * FederatedTypeConfigs deleted while the controller runs, then the release (without it, they
     * may keep KubeFed's finalizer). Always handled as a Pulumi secret.
     * @secret
     */
    hostKubeconfig?: pulumi.Input<string>;
}

export interface KubefedFederationArgs {
    /**
     * The KubeFed control plane the federation runs on: its namespace and scope become the
     * federation's (leave `kubefedNamespace` and `scope` out), and every object of the federation
     * is created after it and deleted before it.
     */
    controlPlane?: ControlPlaneReference;
    /** The member clusters (a plain array, may be empty). */
    clusters: MemberClusterArgs[];
    /** metadata.name inside kubefed.yaml; default "federation". */
    federationName?: string;
    /** Default "host"; part of the service-account names in each member. */
    hostClusterName?: string;
    /** Namespace of the federation ConfigMap and kubeconfig Secret; default "kube-system". */
    configNamespace?: string;
    /** Namespace of the KubeFed control plane; default "kube-federation-system". */
    kubefedNamespace?: string;
    /** Default "kubefed-config". */
    configMapName?: string;
    /** Default "kubefed-kubeconfig". */
    kubeconfigSecretName?: string;
    /** "Cluster" (default) or "Namespaced"; must match the KubeFed control plane. */
    scope?: FederationScope;
    /**
     * The host's kubeconfig (its current context, with a token or an inline client certificate),
     * for what the component asks the host itself: KubeFed's reason in the error of a
     * `waitForReady` that runs out of time, and deleting the copy of a member's token that
     * `kubefedctl join` left on the host when the component takes that member over. Give the host
     * provider's. Always handled as a Pulumi secret.
     * @secret
     */
    hostKubeconfig?: pulumi.Input<string>;
    /** Wait until the KubeFed controller reports each KubeFedCluster Ready; default false. */
    waitForReady?: boolean;
    /**
     * With `waitForReady`: how long to wait for a KubeFedCluster to become Ready before the update
     * fails, naming the member; default 120.
     * @integer
     */
    readyTimeoutSeconds?: number;
    /**
     * How long to wait for KubeFed to process a change of a federated Namespace or Deployment
     * (members that are not Ready are skipped and named in a warning); default 90.
     * @integer
     */
    propagationTimeoutSeconds?: number;
    /** Deployments the federation runs on its members. */
    workloads?: FederatedDeploymentArgs[];
    /** Objects of any federated kind, each with its placement and per-member overrides. */
    resources?: FederatedResourceArgs[];
    /** Types to federate beyond the ten KubeFed enables (`kubefedctl enable`, as code). */
    federatedTypes?: FederatedTypeArgs[];
    /**
     * When a member leaves `clusters`, leave its workloads running there, no longer managed by
     * KubeFed, instead of deleting them from it; default false. Needs `enableSecretMutable` on the
     * host provider, and the departing member reachable from where `pulumi up` runs.
     */
    orphanWorkloadsOnUnjoin?: boolean;
}

/** What `kubefed describe <cluster>` shows; contains no credential. */
export interface ClusterDescription {
    /** The member's name. */
    name: string;
    /** How the host reaches the member. */
    apiEndpoint: string;
    /** The member's entry in the federation document. */
    serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
    /** The KubeFedCluster's labels. */
    labels: { [key: string]: string };
    /**
     * Replicas this member runs.
     * @integer
     */
    replicas: number;
    /** The federation's service account in the member (in the KubeFed namespace). */
    serviceAccountName: string;
    /** The host Secret holding that service account's token, which the KubeFedCluster references. */
    secretName: string;
    /** The KubeFedCluster's name, in the KubeFed namespace of the host. */
    kubeFedClusterName: string;
    /** Whether the KubeFed controller reports the cluster Ready; only set with `waitForReady`. */
    ready?: boolean;
}
