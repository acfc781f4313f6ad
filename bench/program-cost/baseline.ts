// The baseline of bench part 1: a hand-written program that registers the same objects as
// `new KubefedFederation(name, { clusters })` with the default settings (scope Cluster, no
// labels, replicas 1, no waitForReady) — same resource types, logical names, inputs, providers,
// explicit dependencies and options — but with plain @pulumi/kubernetes resources and none of the
// component's validation or abstraction. It does the essential work only: read each member's
// server and CA from its kubeconfig (one YAML parse), wait for the member's token, render the
// federation document and the per-member kubeconfigs.
//
// program-cost.ts checks, for every N it measures, that this registers exactly what the
// component registers (bench/program-cost/child.ts --record) and fails otherwise.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";

export interface BaselineMember {
    /** Members must be given sorted by name, as the component sorts them. */
    name: string;
    /** A plain kubeconfig whose current-context has inline certificate-authority-data. */
    kubeconfig: string;
}

const NAMESPACE = "kube-federation-system";
const CONFIG_NAMESPACE = "kube-system";
const HOST = "host";

interface Kubeconfig {
    "current-context": string;
    clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
    contexts: { name: string; context: { cluster: string } }[];
}

/** `parent` (for the ablation experiments only, see experiments.ts) parents every resource. */
export function baselineFederation(name: string, members: BaselineMember[], hostProvider: k8s.Provider, parent?: pulumi.Resource): void {
    const hostOpts = { provider: hostProvider, deleteBeforeReplace: true, parent };
    const secretOutputs = ["data", "stringData"];
    const clusters: object[] = [];
    const kubeconfigs: pulumi.Output<[string, string]>[] = [];

    for (const member of members) {
        const prefix = `${name}-${member.name}`;
        const sa = `${member.name}-${HOST}`;
        const hostTokenName = `${sa}-token`;
        const roleName = `kubefed-controller-manager:${sa}`;

        const config = yaml.load(member.kubeconfig) as Kubeconfig;
        const context = config.contexts.find((c) => c.name === config["current-context"])!.context;
        const { server, "certificate-authority-data": caData } = config.clusters.find((c) => c.name === context.cluster)!.cluster;

        const provider = new k8s.Provider(prefix, { kubeconfig: pulumi.secret(member.kubeconfig), clusterIdentifier: `kubefed-member-${member.name}` }, { parent });
        const namespace = new k8s.core.v1.NamespacePatch(`${prefix}-namespace`, { metadata: { name: NAMESPACE } }, { provider, parent });
        const memberOpts = { provider, deleteBeforeReplace: true, parent };
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${prefix}-service-account`,
            {
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: { name: sa, namespace: NAMESPACE, annotations: { "kubernetes.io/enforce-mountable-secrets": "true" } },
                automountServiceAccountToken: false,
            },
            { ...memberOpts, dependsOn: [namespace] },
        );
        const tokenSecret = new k8s.core.v1.Secret(
            `${prefix}-token`,
            {
                apiVersion: "v1",
                kind: "Secret",
                metadata: {
                    name: sa,
                    namespace: NAMESPACE,
                    annotations: { "kubernetes.io/service-account.name": sa, "pulumi.com/waitFor": "jsonpath={.data.token}" },
                },
                type: "kubernetes.io/service-account-token",
            },
            { ...memberOpts, dependsOn: [serviceAccount], additionalSecretOutputs: secretOutputs },
        );
        const role = new k8s.rbac.v1.ClusterRole(
            `${prefix}-cluster-role`,
            {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRole",
                metadata: { name: roleName },
                rules: [
                    { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
                    { nonResourceURLs: ["*"], verbs: ["get"] },
                ],
            },
            { ...memberOpts, dependsOn: [serviceAccount] },
        );
        const binding = new k8s.rbac.v1.ClusterRoleBinding(
            `${prefix}-cluster-role-binding`,
            {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRoleBinding",
                metadata: { name: roleName },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
                subjects: [{ kind: "ServiceAccount", name: sa, namespace: NAMESPACE }],
            },
            { ...memberOpts, dependsOn: [serviceAccount] },
        );

        const token = pulumi.secret(tokenSecret.data.apply((data) => data.token));
        const hostToken = new k8s.core.v1.Secret(
            `${prefix}-host-token`,
            { apiVersion: "v1", kind: "Secret", metadata: { name: hostTokenName, namespace: NAMESPACE }, type: "Opaque", data: { token } },
            { ...hostOpts, additionalSecretOutputs: secretOutputs },
        );
        new k8s.apiextensions.CustomResource(
            `${prefix}-kubefedcluster`,
            {
                apiVersion: "core.kubefed.io/v1beta1",
                kind: "KubeFedCluster",
                metadata: { name: member.name, namespace: NAMESPACE },
                spec: { apiEndpoint: server, secretRef: { name: hostTokenName }, caBundle: caData },
            },
            { ...hostOpts, dependsOn: [hostToken, role, binding] },
        );

        clusters.push({ clusterName: member.name, serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: server }], replicas: 1 });
        kubeconfigs.push(
            token.apply((tokenBase64): [string, string] => {
                const kubeconfig = yaml.dump(
                    {
                        apiVersion: "v1",
                        kind: "Config",
                        clusters: [{ name: member.name, cluster: { server, "certificate-authority-data": caData } }],
                        users: [{ name: sa, user: { token: Buffer.from(tokenBase64, "base64").toString("utf8") } }],
                        contexts: [{ name: member.name, context: { cluster: member.name, user: sa } }],
                        "current-context": member.name,
                    },
                    { lineWidth: -1 },
                );
                return [`kubeconfig-${member.name}`, Buffer.from(kubeconfig, "utf8").toString("base64")];
            }),
        );
    }

    const document = yaml.dump(
        { apiVersion: "federation/v1beta1", kind: "Federation", metadata: { name: "federation" }, spec: { clusters } },
        { noRefs: true, lineWidth: -1 },
    );
    new k8s.core.v1.ConfigMap(
        `${name}-config`,
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kubefed-config", namespace: CONFIG_NAMESPACE }, data: { "kubefed.yaml": document } },
        hostOpts,
    );
    new k8s.core.v1.Secret(
        `${name}-kubeconfig`,
        {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "kubefed-kubeconfig", namespace: CONFIG_NAMESPACE },
            type: "Opaque",
            data: pulumi.secret(pulumi.all(kubeconfigs).apply((entries) => Object.fromEntries(entries))),
        },
        { ...hostOpts, additionalSecretOutputs: secretOutputs },
    );
}
