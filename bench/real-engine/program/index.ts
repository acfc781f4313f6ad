// The program of bench parts 2-5 (bench/real-engine.ts): N members read from config, each pointing
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
// none: the component makes a provider per member (the default); own: the program also has one per
// member (as a program that deploys other things into its members does), not given to the
// component; passed: the program's provider is given to the component (MemberClusterArgs.provider).
const memberProviders = config.get("memberProviders") ?? "none";
const federation = new KubefedFederation(
    "federation",
    {
        clusters: members.map((m) => {
            const kubeconfig = config.requireSecret(`${m.cluster}Kubeconfig`);
            const own = memberProviders === "none" ? undefined : new k8s.Provider(`${m.name}-own`, { kubeconfig, clusterIdentifier: `kubefed-bench-${m.name}`, deleteUnreachable: true });
            return { name: m.name, kubeconfig, replicas: m.replicas, provider: memberProviders === "passed" ? own : undefined };
        }),
        configMapName: "bench-kubefed-config",
        kubeconfigSecretName: "bench-kubefed-kubeconfig",
        hostClusterName: "bench",
        // bench/real-engine.ts --no-wait sets it to false (then it polls for Ready itself).
        waitForReady: config.getBoolean("waitForReady") ?? true,
    },
    { provider: host },
);
export const clusterNames = federation.clusterNames;
