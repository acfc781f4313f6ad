// A federation whose members are listed in stack config:
//
//   pulumi config set --secret hostKubeconfig "$(cat host.yaml)"
//   pulumi config set --path 'members[0]' member1
//   pulumi config set --secret member1Kubeconfig "$(cat member1.yaml)"
//   pulumi config set member1Replicas 3        # optional: "kubefed scale member1 --replicas=3"
//   pulumi config set workload '{"name": "web", "namespace": "shop"}'   # optional: run a Deployment
//   pulumi up
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubefedFederation } from "@kubefed-iac/kubefed";

const config = new pulumi.Config();

// The host cluster runs the KubeFed control plane. A stable clusterIdentifier keeps a rotated
// kubeconfig from replacing everything on the host; mutable ConfigMaps and Secrets make joining,
// scaling and removing members in-place updates of the federation's ConfigMap and Secrets
// (pulumi-kubernetes replaces them on any data change otherwise).
const host = new k8s.Provider("host", {
    kubeconfig: config.requireSecret("hostKubeconfig"),
    clusterIdentifier: "kubefed-host",
    enableConfigMapMutable: true,
    enableSecretMutable: true,
});

// An optional federated Deployment, on every member; each runs its member's `replicas` of it, or
// a share of `totalReplicas` weighted by them.
const workload = config.getObject<{ name: string; namespace: string; totalReplicas?: number }>("workload");
const labels = { app: workload?.name ?? "" };

// With `ownProviders: true`, the program makes the members' providers itself, as a program that
// also deploys other things into them would, and hands them to the federation.
const ownProviders = config.getBoolean("ownProviders") ?? false;
const memberProvider = (name: string) =>
    new k8s.Provider(`${name}-own`, { kubeconfig: config.requireSecret(`${name}Kubeconfig`), deleteUnreachable: true });

const federation = new KubefedFederation(
    "federation",
    {
        clusters: config.requireObject<string[]>("members").map((name) => ({
            name,
            kubeconfig: config.requireSecret(`${name}Kubeconfig`),
            // Optional: the program's own provider for the member (one provider process less per member).
            provider: ownProviders ? memberProvider(name) : undefined,
            replicas: config.getNumber(`${name}Replicas`),
            labels: config.getObject<Record<string, string>>(`${name}Labels`),
            // Optional: a new value rotates the federation's token in the member (e.g. monthly: "2026-12").
            tokenRotation: config.get(`${name}TokenRotation`),
        })),
        waitForReady: config.getBoolean("waitForReady") ?? true,
        // The host's kubeconfig again, for what the component asks the host itself: KubeFed's
        // reason when a member does not become Ready, and the cleanup of a kubefedctl join taken over.
        hostKubeconfig: config.requireSecret("hostKubeconfig"),
        readyTimeoutSeconds: config.getNumber("readyTimeoutSeconds"),
        // Optional: names of this stack's federation document, when several stacks share a host.
        configMapName: config.get("configMapName"),
        kubeconfigSecretName: config.get("kubeconfigSecretName"),
        // Optional: a member removed from `members` keeps running its workloads, unmanaged.
        orphanWorkloadsOnUnjoin: config.getBoolean("orphanWorkloadsOnUnjoin"),
        workloads: workload && [
            {
                ...workload,
                spec: {
                    selector: { matchLabels: labels },
                    template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10" }] } },
                },
            },
        ],
    },
    { provider: host },
);

// `pulumi stack output clusterNames` is "kubefed list"; `clusters` is "kubefed describe".
export const clusterNames = federation.clusterNames;
export const clusters = federation.clusters;
