// A federation from an empty host: KubeFed's control plane (its chart, as a Helm release), then
// the members joined to it and a Deployment run on them, in one `pulumi up`.
//
//   pulumi config set --secret hostKubeconfig "$(cat host.yaml)"
//   pulumi config set chart ./charts/kubefed      # optional: a local chart (default: KubeFed's chart repository)
//   pulumi config set --path 'members[0]' member1  # optional: without members, only the control plane
//   pulumi config set --secret member1Kubeconfig "$(cat member1.yaml)"
//   pulumi config set workload '{"name": "web", "namespace": "shop"}'   # optional
//   pulumi up
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FederatedResourceArgs, KubefedControlPlane, KubefedFederation } from "@kubefed-iac/kubefed";

const config = new pulumi.Config();

const host = new k8s.Provider("host", {
    kubeconfig: config.requireSecret("hostKubeconfig"),
    clusterIdentifier: "kubefed-host",
    enableConfigMapMutable: true,
    enableSecretMutable: true,
});

const controlPlane = new KubefedControlPlane(
    "kubefed",
    {
        chart: config.get("chart"),
        namespace: config.get("namespace"),
        scope: config.get("scope") as "Cluster" | "Namespaced" | undefined,
        // e.g. {"controllermanager": {"controller": {"replicaCount": 1}, "clusterHealthCheckPeriod": "5s"}}
        values: config.getObject<Record<string, unknown>>("values"),
        // For `pulumi destroy`: KubeFed's FederatedTypeConfigs deleted while its controller runs, then its release.
        hostKubeconfig: config.requireSecret("hostKubeconfig"),
    },
    { provider: host },
);

const members = config.getObject<string[]>("members") ?? [];
const workload = config.getObject<{ name: string; namespace: string }>("workload");
// Optional: objects of any kind, with placement and overrides (the `resources` argument, as JSON).
const resources = config.getObject<FederatedResourceArgs[]>("resources");
const labels = { app: workload?.name ?? "" };
const federation =
    members.length === 0
        ? undefined
        : new KubefedFederation(
              "federation",
              {
                  controlPlane,
                  clusters: members.map((name) => ({ name, kubeconfig: config.requireSecret(`${name}Kubeconfig`), replicas: config.getNumber(`${name}Replicas`) })),
                  hostKubeconfig: config.requireSecret("hostKubeconfig"),
                  waitForReady: true,
                  resources,
                  workloads: workload && [
                      {
                          ...workload,
                          spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } },
                      },
                  ],
              },
              { provider: host },
          );

export const kubefedNamespace = controlPlane.namespace;
export const scope = controlPlane.scope;
export const chartVersion = controlPlane.chartVersion;
export const controllerAvailable = controlPlane.controllerAvailable;
export const webhookAvailable = controlPlane.webhookAvailable;
export const clusterNames = federation?.clusterNames ?? [];
export const clusters = federation?.clusters ?? {};
export const propagation = federation?.propagation ?? {};
