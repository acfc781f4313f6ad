// The program of bench parts 2-4 (bench/real-engine.ts): N members read from config, each pointing
// at member1's or member2's apiserver, under bench-only names (never the defaults others use).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubefedFederation } from "@kubefed-iac/kubefed";

const config = new pulumi.Config();
const host = new k8s.Provider("host", {
    kubeconfig: config.requireSecret("hostKubeconfig"),
    clusterIdentifier: "kubefed-bench-host",
    enableConfigMapMutable: true,
    enableSecretMutable: true,
});
const members = config.requireObject<{ name: string; cluster: string; replicas?: number }[]>("members");
const federation = new KubefedFederation(
    "federation",
    {
        clusters: members.map((m) => ({ name: m.name, kubeconfig: config.requireSecret(`${m.cluster}Kubeconfig`), replicas: m.replicas })),
        configMapName: "bench-kubefed-config",
        kubeconfigSecretName: "bench-kubefed-kubeconfig",
        hostClusterName: "bench",
        // bench/real-engine.ts --no-wait sets it to false (then it polls for Ready itself).
        waitForReady: config.getBoolean("waitForReady") ?? true,
    },
    { provider: host },
);
export const clusterNames = federation.clusterNames;
