// A federated application: a Deployment, its Service, Ingress and ServiceAccount, a ConfigMap and a
// Secret, on every member; a canary image on one member and an environment variable on the members
// of a region, as per-member overrides; optionally an object of a type of your own (Widget).
//
//   pulumi config set --secret hostKubeconfig "$(cat host.yaml)"
//   pulumi config set members '["member1", "member2"]'
//   pulumi config set --secret member1Kubeconfig "$(cat member1.yaml)"     # and member2's
//   pulumi config set member2Labels '{"region": "us"}'                    # optional: placement and overrides by label
//   pulumi config set --secret dbPassword s3cr3t
//   pulumi config set canaryMember member2                                # optional: the canary image there
//   pulumi up
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FederatedResourceArgs, KubefedFederation } from "@kubefed-iac/kubefed";

const config = new pulumi.Config();
const host = new k8s.Provider("host", {
    kubeconfig: config.requireSecret("hostKubeconfig"),
    clusterIdentifier: "kubefed-host",
    enableConfigMapMutable: true,
    enableSecretMutable: true,
});

const members = config.requireObject<string[]>("members").map((name) => ({ name, labels: config.getObject<Record<string, string>>(`${name}Labels`) ?? {} }));
const namespace = config.get("namespace") ?? "shop";
const image = config.get("image") ?? "registry.k8s.io/pause:3.10";
const canaryMember = config.get("canaryMember");
const labels = { app: "api" };

const application: FederatedResourceArgs[] = [
    {
        object: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "api", namespace, labels },
            spec: {
                replicas: 2,
                selector: { matchLabels: labels },
                template: { metadata: { labels }, spec: { serviceAccountName: "api", containers: [{ name: "api", image, env: [{ name: "APP", value: "api" }] }] } },
            },
        },
        overrides: [
            // `kubefed` has no such thing: a canary image on one member...
            ...(canaryMember && members.some((m) => m.name === canaryMember) ? [{ clusters: [canaryMember], patches: [{ path: "/spec/template/spec/containers/0/image", value: `${image}-canary` }] }] : []),
            // ...and an environment variable on the members of a region, by label.
            ...(members.some((m) => m.labels.region === "us")
                ? [{ clusterSelector: { region: "us" }, patches: [{ op: "add" as const, path: "/spec/template/spec/containers/0/env/-", value: { name: "REGION", value: "us" } }] }]
                : []),
        ],
    },
    { object: { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } } },
    { object: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "api", namespace } } },
    {
        object: {
            apiVersion: "networking.k8s.io/v1",
            kind: "Ingress",
            metadata: { name: "api", namespace },
            spec: { rules: [{ host: "api.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "api", port: { number: 80 } } } }] } }] },
        },
    },
    // Placement by label: only where the selector matches (every member when unset).
    { object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "api-settings", namespace }, data: { mode: config.get("mode") ?? "live" } }, clusterSelector: config.getObject("settingsSelector") },
    // Its data is a Pulumi secret in the program, in state and in previews.
    { object: { apiVersion: "v1", kind: "Secret", metadata: { name: "api-db", namespace }, stringData: { password: config.requireSecret("dbPassword") } } },
];

// Optional: a type of your own, federated as `kubefedctl enable` would. Its CRD must exist in the
// host and in every member: the component checks that before it enables the type.
const widgets = config.getBoolean("widgets") ?? false;
if (widgets) {
    application.push({ object: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "api-widget", namespace }, spec: { size: 3 } }, clusterSelector: config.getObject("widgetSelector") });
}

const federation = new KubefedFederation(
    "federation",
    {
        clusters: members.map(({ name, labels }) => ({ name, kubeconfig: config.requireSecret(`${name}Kubeconfig`), labels })),
        resources: application,
        federatedTypes: widgets ? [{ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true }] : [],
        hostKubeconfig: config.requireSecret("hostKubeconfig"),
        waitForReady: true,
        propagationTimeoutSeconds: config.getNumber("propagationTimeoutSeconds"),
    },
    { provider: host },
);

export const clusterNames = federation.clusterNames;
// Where each resource runs: per member, propagated or KubeFed's reason why not.
export const propagation = federation.propagation;
