// End to end: a member joined by `kubefedctl join` v0.10.0 is taken over by adding it to
// `clusters`: the KubeFedCluster is updated in place (same UID) and stays Ready throughout, the
// join's objects in the member are adopted (same UIDs), nothing in the member is deleted, and the
// next preview is empty. kubefedctl's host token Secret, which nothing uses any more, is deleted
// (the example gives the component hostKubeconfig), and no annotation of that bookkeeping stays.
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { environment, federationStack, kubectl, kubectlJSON, kubeFedClusterReady, pendingChanges, removeStacks, run, until, watchReady } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

let stack: Stack | undefined;
const ns = () => environment().kubefedNamespace;
const uid = (cluster: "host" | "member1", kind: string, name: string, namespace = ns()) => kubectlJSON(cluster, ["get", kind, name, "-n", namespace]).metadata.uid;

afterAll(async () => {
    await removeStacks([stack]);
    kubectl("member1", ["delete", "deployment", "users-app", "-n", "default", "--ignore-not-found"]);
});

test("a member joined by kubefedctl is taken over by one up: same KubeFedCluster, Ready throughout, nothing in the member deleted", async () => {
    const env = environment();
    run(path.join(env.binDir, "kubefedctl"), ["join", "member1", "--cluster-context", "member1", "--host-cluster-context", "host", "--host-cluster-name", "host", "--kubefed-namespace", ns(), "--kubeconfig", env.kubeconfigAll]);
    expect(await until(() => kubeFedClusterReady("member1"), 120)).toBe(true);
    // Something of the member's own, running there.
    kubectl("member1", ["create", "deployment", "users-app", "-n", "default", "--image=registry.k8s.io/pause:3.10"]);
    const kubefedctlSecret = kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", "member1", "-n", ns()]).spec.secretRef.name;
    expect(kubefedctlSecret).toMatch(/^member1-[a-z0-9]{5}$/);
    const before = {
        kubeFedCluster: uid("host", "kubefedclusters.core.kubefed.io", "member1"),
        serviceAccount: uid("member1", "serviceaccount", "member1-host"),
        tokenSecret: uid("member1", "secret", "member1-host"),
        usersApp: uid("member1", "deployment", "users-app", "default"),
    };

    stack = await federationStack(`migration-${Date.now()}`, [{ name: "member1" }]);
    const { result, samples } = await watchReady("member1", () => stack!.up());
    expect(result.summary.result).toBe("succeeded");
    expect(samples.length).toBeGreaterThan(3);
    expect(samples.filter((s) => s !== "True")).toEqual([]);

    // The same objects, now the stack's: the KubeFedCluster points at the component's host token Secret.
    expect({
        kubeFedCluster: uid("host", "kubefedclusters.core.kubefed.io", "member1"),
        serviceAccount: uid("member1", "serviceaccount", "member1-host"),
        tokenSecret: uid("member1", "secret", "member1-host"),
        usersApp: uid("member1", "deployment", "users-app", "default"),
    }).toEqual(before);
    const kubeFedCluster = kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", "member1", "-n", ns()]);
    expect(kubeFedCluster.spec.secretRef.name).toBe("member1-host-token");
    expect(Object.keys(kubeFedCluster.metadata.annotations ?? {}).filter((a) => a.startsWith("kubefed-iac.io/replaced"))).toEqual([]);
    // No leftover of the kubefedctl join: its copy of the token on the host is gone, and said so.
    expect(kubectl("host", ["-n", ns(), "get", "secret", kubefedctlSecret, "--ignore-not-found", "-o", "name"])).toBe("");
    expect(result.stdout).toContain(`member "member1": deleted the host token Secret ${kubefedctlSecret}, which no KubeFedCluster uses any more`);
    expect(await pendingChanges(stack)).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 15_000)); // past a KubeFed health check
    expect(kubeFedClusterReady("member1")).toBe(true);
});
