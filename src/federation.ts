// The host's federation-wide objects: the `kubefed-config` ConfigMap (the federation document)
// and the `kubefed-kubeconfig` Secret (a kubeconfig per member).
import * as yaml from "js-yaml";
import { ServerAddressByClientCIDR } from "./args";
import { MemberAccess, renderMemberKubeconfig } from "./kubeconfig";
import { base64, KubernetesObject, sortedBy } from "./objects";
import { FederationSettings } from "./validate";

export const FEDERATION_DOCUMENT_KEY = "kubefed.yaml";

/** One entry of `spec.clusters` in the federation document. */
export interface FederationMember {
    name: string;
    serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
    labels: { [key: string]: string };
    replicas: number;
}

export interface FederationDocument {
    apiVersion: "federation/v1beta1";
    kind: "Federation";
    metadata: { name: string };
    spec: {
        clusters: {
            clusterName: string;
            serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
            labels?: { [key: string]: string };
            replicas: number;
        }[];
    };
}

export function federationDocument(federationName: string, members: FederationMember[]): FederationDocument {
    return {
        apiVersion: "federation/v1beta1",
        kind: "Federation",
        metadata: { name: federationName },
        spec: {
            clusters: sortedBy(members, (m) => m.name).map((m) => ({
                clusterName: m.name,
                serverAddressByClientCIDRs: m.serverAddressByClientCIDRs.map((a) => ({ clientCIDR: a.clientCIDR, serverAddress: a.serverAddress })),
                ...(Object.keys(m.labels).length > 0 ? { labels: m.labels } : {}),
                replicas: m.replicas,
            })),
        },
    };
}

type ConfigSettings = Pick<FederationSettings, "configMapName" | "configNamespace">;

/** The federation document as the ConfigMap holds it. */
export function renderFederationDocument(federationName: string, members: FederationMember[]): string {
    return yaml.dump(federationDocument(federationName, members), { noRefs: true, lineWidth: -1 });
}

/** The ConfigMap whose `kubefed.yaml` key holds the federation document (`V`: see KubernetesObject). */
export function federationConfigMap<V = string>(settings: ConfigSettings, document: V): KubernetesObject<V> {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: settings.configMapName, namespace: settings.configNamespace },
        data: { [FEDERATION_DOCUMENT_KEY]: document },
    };
}

const KUBECONFIG_KEY_PREFIX = "kubeconfig-";

export function kubeconfigSecretKey(memberName: string): string {
    return `${KUBECONFIG_KEY_PREFIX}${memberName}`;
}

/** The member a key of the kubeconfig Secret is for; undefined for any other key. */
export function memberOfKubeconfigKey(key: string): string | undefined {
    return key.startsWith(KUBECONFIG_KEY_PREFIX) ? key.slice(KUBECONFIG_KEY_PREFIX.length) : undefined;
}

/** The data of the kubeconfig Secret: a `kubeconfig-<member>` key per member, base64. */
export function kubeconfigSecretData(members: MemberAccess[]): { [key: string]: string } {
    const data: { [key: string]: string } = {};
    for (const access of sortedBy(members, (m) => m.clusterName)) {
        data[kubeconfigSecretKey(access.clusterName)] = base64(renderMemberKubeconfig(access));
    }
    return data;
}

type SecretSettings = Pick<FederationSettings, "kubeconfigSecretName" | "configNamespace">;

/** The Opaque Secret that holds every member's kubeconfig (`V`: see KubernetesObject). */
export function kubeconfigSecret<V = { [key: string]: string }>(settings: SecretSettings, data: V): KubernetesObject<V> {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: settings.kubeconfigSecretName, namespace: settings.configNamespace },
        type: "Opaque",
        data,
    };
}
