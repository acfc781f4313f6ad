// The objects `kubefedctl join` v0.10.0 creates for one member, as plain objects:
// in the member, a service account, its token Secret and RBAC; on the host, a Secret with
// that token and the KubeFedCluster that points KubeFed at the member.
import { createHash } from "crypto";
import { MemberEndpoint } from "./endpoint";
import { MemberAccess } from "./kubeconfig";
import { fromBase64, KubernetesObject } from "./objects";
import { memberRBAC } from "./rbac";
import { FederationSettings, MemberSpec } from "./validate";
import { WAIT_FOR_SYNC } from "./placement";
import { FEDERATION_LABEL } from "./workloads";

/** The member fields a join reads; all plain. (Its TLS validations and proxy come with its endpoint, kubeconfig defaults applied.) */
export type JoinMember = Pick<MemberSpec, "name" | "labels" | "tokenRotation">;
export type JoinSettings = Pick<FederationSettings, "hostClusterName" | "kubefedNamespace" | "scope">;
/** What the host's objects also read: the federation's name labels its KubeFedClusters. */
export type HostJoinSettings = JoinSettings & Pick<FederationSettings, "federationName">;

export interface JoinNames {
    /** `<member>-<host>`, in the member's KubeFed namespace. */
    serviceAccount: string;
    /** `<member>-<host>`: the service-account-token Secret in the member. */
    memberTokenSecret: string;
    /**
     * `<member>-<host>-token`: the token's copy on the host. Not `<member>-<host>`: when the host
     * joins itself, the member's own token Secret of that name lives in the same namespace.
     */
    hostTokenSecret: string;
    kubeFedCluster: string;
}

/**
 * The names a member's join uses. With `tokenRotation`, the member's token Secret is named after
 * it (a short hash): a new value is a new Secret, so a new token (a legacy token carries the
 * Secret's name and the account's UID and nothing else: a Secret recreated under the same name
 * would be signed the same token).
 */
export function joinNames(memberName: string, settings: Pick<FederationSettings, "hostClusterName">, tokenRotation?: string): JoinNames {
    const serviceAccount = `${memberName}-${settings.hostClusterName}`;
    return {
        serviceAccount,
        memberTokenSecret: tokenRotation === undefined ? serviceAccount : `${serviceAccount}-${createHash("sha256").update(tokenRotation).digest("hex").slice(0, 10)}`,
        hostTokenSecret: `${serviceAccount}-token`,
        kubeFedCluster: memberName,
    };
}

export const SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";
/** pulumi-kubernetes waits until this JSONPath exists: the member's token controller fills it in. */
export const WAIT_FOR_TOKEN = "jsonpath={.data.token}";
export const WAIT_FOR_READY = "condition=Ready";
/**
 * On the KubeFedCluster, with `waitForReady`: a hash of what the component applies of it. The
 * wait also waits for an object that carries it: pulumi-kubernetes' watch may first deliver the
 * object as it was before the update (it tells stale objects by `generation`, which a change of
 * labels or annotations does not raise), already Ready, and keep that as the outputs the next
 * preview diffs against.
 */
export const REVISION_ANNOTATION = "kubefed-iac.io/revision";
/** On the KubeFedCluster: the member's token Secret whose token the host's copy holds. */
export const TOKEN_SECRET_ANNOTATION = "kubefed-iac.io/token-secret";

/** The Secret's data key that holds the token, in the member and on the host (KubeFed's TokenKey). */
export const TOKEN_KEY = "token";

export interface MemberJoinObjects {
    /** The KubeFed namespace in the member; created when absent, left alone when present. */
    namespace: KubernetesObject;
    serviceAccount: KubernetesObject;
    tokenSecret: KubernetesObject;
    rbac: KubernetesObject[];
}

/** What the join creates inside the member. */
export function memberJoinObjects(member: JoinMember, settings: JoinSettings): MemberJoinObjects {
    const names = joinNames(member.name, settings, member.tokenRotation);
    const namespace = settings.kubefedNamespace;
    return {
        namespace: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
        serviceAccount: {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: names.serviceAccount, namespace, annotations: { "kubernetes.io/enforce-mountable-secrets": "true" } },
            automountServiceAccountToken: false,
        },
        // Since Kubernetes 1.24 no token Secret is made for a service account: ask for one.
        tokenSecret: {
            apiVersion: "v1",
            kind: "Secret",
            metadata: {
                name: names.memberTokenSecret,
                namespace,
                annotations: { "kubernetes.io/service-account.name": names.serviceAccount, "pulumi.com/waitFor": WAIT_FOR_TOKEN },
            },
            type: SERVICE_ACCOUNT_TOKEN_TYPE,
        },
        rbac: memberRBAC(settings.scope, { serviceAccount: names.serviceAccount, namespace }),
    };
}

/** How the host reaches the member; `V` is a plain string here, a Pulumi output in the component. */
export interface HostJoinValues<V, L = string[]> {
    /** The member service account's token, base64 as the member's Secret holds it. */
    tokenBase64: V;
    apiEndpoint: V;
    /** base64 of the member CA's PEM, or undefined for the host's system roots. */
    caBundleBase64: V | undefined;
    /** The TLS validations the host skips; none when undefined or empty. */
    disabledTLSValidations: L | undefined;
    proxyURL: V | undefined;
}

export interface HostJoinObjects<V> {
    tokenSecret: KubernetesObject<V>;
    kubeFedCluster: KubernetesObject<V>;
}

/** What the join creates on the host. */
export function hostJoinObjects<V, L = string[]>(member: JoinMember, settings: HostJoinSettings, values: HostJoinValues<V, L>): HostJoinObjects<V> {
    const names = joinNames(member.name, settings, member.tokenRotation);
    const namespace = settings.kubefedNamespace;
    const spec: Record<string, unknown> = {
        apiEndpoint: values.apiEndpoint,
        secretRef: { name: names.hostTokenSecret },
    };
    if (values.caBundleBase64 !== undefined) {
        spec.caBundle = values.caBundleBase64;
    }
    if (values.disabledTLSValidations !== undefined && !(Array.isArray(values.disabledTLSValidations) && values.disabledTLSValidations.length === 0)) {
        spec.disabledTLSValidations = values.disabledTLSValidations;
    }
    if (values.proxyURL !== undefined) {
        spec.proxyURL = values.proxyURL;
    }
    // The federation label places the federation's FederatedNamespaces (workloads.ts).
    // The token annotation changes with each rotation: KubeFed v0.10.0 builds a new client for a
    // member (reading the token again) only when its KubeFedCluster's spec, labels or annotations change.
    const metadata: KubernetesObject["metadata"] = {
        name: names.kubeFedCluster,
        namespace,
        labels: { ...member.labels, [FEDERATION_LABEL]: settings.federationName },
        // Forced: taking over a KubeFedCluster that `kubefedctl join` created (its secretRef differs) is ours to do.
        annotations: { [TOKEN_SECRET_ANNOTATION]: names.memberTokenSecret, "pulumi.com/patchForce": "true" },
    };
    return {
        tokenSecret: {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: names.hostTokenSecret, namespace },
            type: "Opaque",
            data: { [TOKEN_KEY]: values.tokenBase64 },
        },
        kubeFedCluster: { apiVersion: "core.kubefed.io/v1beta1", kind: "KubeFedCluster", metadata, spec },
    };
}

/** What an object's revision hashes: its spec, labels and annotations, with every object's keys sorted (a KubeFedCluster's, a federated object's). */
export function revisionOf(object: { spec: unknown; metadata: { labels?: unknown; annotations?: unknown } }): string {
    const sorted = (value: unknown): unknown =>
        Array.isArray(value) ? value.map(sorted) : value && typeof value === "object" ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])])) : value;
    const applied = { spec: object.spec, labels: object.metadata.labels, annotations: object.metadata.annotations };
    return createHash("sha256").update(JSON.stringify(sorted(applied))).digest("hex").slice(0, 16);
}

/** A wait condition met only by the object of this revision (not the one pulumi-kubernetes' watch may still hold from before the update). */
export function revisionCondition(revision: string): string {
    // RFC 9535 JSONPath (pulumi-kubernetes' parser): a key with dots and slashes in brackets.
    return `jsonpath={.metadata.annotations['${REVISION_ANNOTATION}']}=${revision}`;
}

/** The annotations of a federated object's wait: the object of this revision, once KubeFed has processed it (WAIT_FOR_SYNC). */
export function syncWaitAnnotations(revision: string, timeoutSeconds: number): { [key: string]: string } {
    return { [REVISION_ANNOTATION]: revision, "pulumi.com/waitFor": JSON.stringify([revisionCondition(revision), WAIT_FOR_SYNC]), "pulumi.com/timeoutSeconds": String(timeoutSeconds) };
}

/** The annotations of `waitForReady`: wait for the object of this revision, and for it to be Ready. */
export function readyWaitAnnotations(revision: string, timeoutSeconds: number): { [key: string]: string } {
    return {
        [REVISION_ANNOTATION]: revision,
        "pulumi.com/waitFor": JSON.stringify([revisionCondition(revision), WAIT_FOR_READY]),
        "pulumi.com/timeoutSeconds": String(timeoutSeconds),
    };
}

/**
 * How the host's KubeFed reaches the member: its endpoint with the federation's own token, and
 * the CA of the KubeFedCluster (`caBundleBase64`, see endpoint.ts).
 */
export function memberAccess(member: JoinMember, settings: JoinSettings, endpoint: MemberEndpoint, tokenBase64: string, caBundleBase64: string | undefined): MemberAccess {
    return {
        clusterName: member.name,
        userName: joinNames(member.name, settings).serviceAccount,
        server: endpoint.apiEndpoint,
        caPem: caBundleBase64 === undefined ? undefined : fromBase64(caBundleBase64),
        token: fromBase64(tokenBase64),
        proxyURL: endpoint.proxyURL,
        insecureSkipTLSVerify: endpoint.disabledTLSValidations.includes("*"),
        disabledTLSValidations: endpoint.disabledTLSValidations,
    };
}
