// End to end: KubeFed's control plane as code, from a host with no KubeFed at all. member1 plays
// the empty host (the environment installs nothing of KubeFed there) and member2 its member. The
// chart's pods run as processes under the chart's own service accounts (e2e/lib/pods.py), and its
// admission webhook is reached through its Service: what the chart grants is what is tested.
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { configureMembers, environment, exampleProgram, federationStack, kubeconfigOf, kubectl, kubectlAsync, kubectlJSON, MemberConfig, pendingChanges, removeStacks, sampleWhile, until } from "../helpers/e2e";

jest.setTimeout(20 * 60 * 1000);

const NS = "kube-federation-system";
const HOST = "member1";
// One controller replica, as the environment's own control plane (two cores are all there is).
const VALUES = { controllermanager: { controller: { replicaCount: 1 } } };
const web = { name: "web", namespace: "cp-shop" };
const stacks: Stack[] = [];

/** A stack of examples/control-plane whose host is member1, with member2 as its member (or none). */
async function controlPlaneStack(name: string, config: Record<string, string>, members: MemberConfig[] = [{ name: "member2" }]): Promise<Stack> {
    const stack = await federationStack(`${name}-${Date.now()}`, members, exampleProgram("control-plane"), { hostKubeconfig: kubeconfigOf(HOST), chart: environment().kubefedChart, ...config });
    stacks.push(stack);
    return stack;
}

async function up(stack: Stack): Promise<Record<string, any>> {
    const result = await stack.up();
    expect(result.summary.result).toBe("succeeded");
    return Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
}

/** The names of KubeFed's CRDs in a cluster. */
function kubefedCRDs(cluster: "member1"): string[] {
    return kubectl(cluster, ["get", "crds", "-o", "name"])
        .split("\n")
        .filter((n) => /kubefed\.io$/.test(n));
}

/** Objects of the namespace, and cluster-wide KubeFed objects, that are being deleted (stuck on a finalizer). */
function terminating(cluster: "member1" | "member2", namespace: string): string[] {
    const kinds = "federatedtypeconfigs.core.kubefed.io,kubefedclusters.core.kubefed.io,federateddeployments.types.kubefed.io,federatednamespaces.types.kubefed.io,federatedconfigmaps.types.kubefed.io";
    const crds = cluster === HOST && kubefedCRDs(HOST).length > 0;
    const items = crds ? kubectlJSON(cluster, ["get", kinds, "-A"]).items : [];
    const nsText = kubectl(cluster, ["get", "namespace", namespace, "--ignore-not-found", "-o", "json"]).trim();
    return [...items, ...(nsText ? [JSON.parse(nsText)] : [])].filter((o: any) => o.metadata.deletionTimestamp).map((o: any) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`);
}

/** What creating an invalid KubeFedCluster on the host answers: the webhook's refusal, when admission runs. */
function invalidKubeFedClusterRefusal(): string {
    try {
        kubectl(HOST, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "core.kubefed.io/v1beta1", kind: "KubeFedCluster", metadata: { name: "invalid", namespace: NS }, spec: { apiEndpoint: "", secretRef: { name: "" } } }));
    } catch (e) {
        return String((e as { stderr?: string }).stderr ?? e);
    }
    return "created";
}

/** Removes what a run leaves on the empty host by design (the CRDs Helm never deletes, the namespace), so the next run starts from an empty host again. */
function emptyHost(): void {
    const crds = kubefedCRDs(HOST);
    if (crds.some((crd) => crd.endsWith("/federatedtypeconfigs.core.kubefed.io"))) {
        // What a failed test left on a finalizer would hold its CRD's deletion forever.
        for (const ftc of kubectl(HOST, ["get", "federatedtypeconfigs", "-A", "-o", "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}"]).split("\n").filter(Boolean)) {
            const [ns, name] = ftc.split("/");
            kubectl(HOST, ["patch", "federatedtypeconfig", name, "-n", ns, "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
        }
    }
    if (crds.length > 0) {
        kubectl(HOST, ["delete", ...crds, "--timeout=120s"]);
    }
    for (const ns of [NS, "kubefed-ns"]) {
        kubectl(HOST, ["delete", "namespace", ns, "--ignore-not-found", "--timeout=120s"]);
    }
    // What a release left cluster-wide when no stack owned it (a test that failed half-way).
    kubectl(HOST, ["delete", "validatingwebhookconfigurations,mutatingwebhookconfigurations,clusterroles,clusterrolebindings", "-l", "app.kubernetes.io/managed-by=Helm", "--ignore-not-found"]);
}

beforeAll(() => {
    environment();
    emptyHost();
});

afterAll(async () => {
    await removeStacks(stacks);
    kubectl("member2", ["delete", "namespace", web.namespace, "--ignore-not-found", "--timeout=120s"]);
    emptyHost();
});

describe("from a host with no KubeFed", () => {
    let stack: Stack;

    test("one up creates the control plane and the federation: member Ready, workload propagated", async () => {
        expect(kubefedCRDs(HOST)).toEqual([]);
        stack = await controlPlaneStack("cp", { values: JSON.stringify(VALUES), workload: JSON.stringify(web) });
        const started = Date.now();
        const outputs = await up(stack);
        const seconds = (Date.now() - started) / 1000;
        expect(outputs).toMatchObject({ kubefedNamespace: NS, scope: "Cluster", controllerAvailable: true, webhookAvailable: true, clusterNames: ["member2"] });
        expect(outputs.clusters.member2.ready).toBe(true);
        expect(outputs.propagation["Deployment/cp-shop/web"].members.member2.propagated).toBe(true);
        expect(kubectl("member2", ["get", "deployment", "web", "-n", "cp-shop", "-o", "jsonpath={.spec.replicas}"])).toBe("1");
        // KubeFed runs under the chart's service accounts, on the host's (simulated) node.
        const pods = kubectlJSON(HOST, ["get", "pods", "-n", NS]).items;
        expect(pods.map((p: any) => `${p.spec.serviceAccountName} ${p.status.phase} ${p.status.conditions.find((c: any) => c.type === "Ready").status}`).sort()).toEqual([
            "kubefed-admission-webhook Running True",
            "kubefed-controller Running True",
        ]);
        expect(seconds).toBeLessThan(240);
    });

    test("the next preview is empty: nothing of the chart (certificate, random name) is rendered again", async () => {
        expect(await pendingChanges(stack)).toEqual([]);
    });

    test("admission runs: the chart's webhook refuses an invalid KubeFedCluster", () => {
        expect(invalidKubeFedClusterRefusal()).toMatch(/admission webhook "kubefedclusters.core.kubefed.io" denied the request: .*spec.apiEndpoint: Required value/);
    });

    test("a value change previews as an update of the release's values, and reaches the KubeFedConfig", async () => {
        const values = { controllermanager: { ...VALUES.controllermanager, clusterHealthCheckPeriod: "5s" } };
        await configureMembers(stack, [{ name: "member2" }], { hostKubeconfig: kubeconfigOf(HOST), chart: environment().kubefedChart, values: JSON.stringify(values), workload: JSON.stringify(web) });
        expect(await pendingChanges(stack)).toEqual(["update kubernetes:helm.sh/v3:Release kubefed/release (values.controllermanager.clusterHealthCheckPeriod)"]);
        const outputs = await up(stack);
        expect(outputs.controllerAvailable).toBe(true);
        expect(kubectl(HOST, ["get", "kubefedconfig", "kubefed", "-n", NS, "-o", "jsonpath={.spec.clusterHealthCheck.period}"])).toBe("5s");
        // The upgrade rendered the chart again, and with it a new webhook certificate: admission still runs with it.
        expect(await until(() => /denied the request/.test(invalidKubeFedClusterRefusal()), 90)).toBe(true);
        expect(await pendingChanges(stack)).toEqual([]);
    });

    test("destroy deletes the federation's objects while KubeFed runs, then KubeFed: nothing stuck, the workload gone from the member, the CRDs kept", async () => {
        const started = Date.now();
        const result = await stack.destroy();
        expect(result.summary.result).toBe("succeeded");
        expect((Date.now() - started) / 1000).toBeLessThan(180);
        expect(kubectl("member2", ["get", "deployment", "web", "-n", "cp-shop", "--ignore-not-found", "-o", "name"])).toBe("");
        expect(terminating(HOST, NS)).toEqual([]);
        expect(kubectl(HOST, ["get", "deployments,pods", "-n", NS, "-o", "name"])).toBe("");
        expect(kubectl(HOST, ["get", "secrets", "-n", NS, "-l", "owner=helm", "-o", "name"])).toBe("");
        // Helm never deletes the CRDs of a chart's crds/: every federated object of every namespace would go with them.
        expect(kubefedCRDs(HOST).length).toBeGreaterThan(10);
    });
});

test("scope Namespaced: KubeFed with the chart's Role-based RBAC, in a namespace of its own, joins a member (Ready)", async () => {
    emptyHost();
    const stack = await controlPlaneStack("cp-ns", { values: JSON.stringify(VALUES), namespace: "kubefed-ns", scope: "Namespaced" });
    const outputs = await up(stack);
    expect(outputs).toMatchObject({ kubefedNamespace: "kubefed-ns", scope: "Namespaced", controllerAvailable: true, webhookAvailable: true, clusterNames: ["member2"] });
    // Ready: KubeFed, with only what the chart's Roles grant it, reads the member's token and reaches it.
    expect(outputs.clusters.member2.ready).toBe(true);
    expect(kubectl(HOST, ["get", "kubefedcluster", "member2", "-n", "kubefed-ns", "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).toBe("True");
    // The namespace carries the label the chart's webhooks select it by: admission runs there.
    expect(kubectl(HOST, ["get", "namespace", "kubefed-ns", "-o", "jsonpath={.metadata.labels.name}"])).toBe("kubefed-ns");
    // The chart's RBAC for this scope: Roles in the namespace, no ClusterRole for the controller.
    expect(kubectl(HOST, ["get", "roles", "-n", "kubefed-ns", "-o", "name"])).toMatch(/kubefed-role/);
    expect(kubectl(HOST, ["get", "clusterroles", "-o", "name"])).not.toMatch(/kubefed-role\b/);
    expect(await pendingChanges(stack)).toEqual([]);
    const destroyed = await stack.destroy();
    expect(destroyed.summary.result).toBe("succeeded");
    expect(terminating(HOST, "kubefed-ns")).toEqual([]);
    expect(kubectl("member2", ["get", "serviceaccount", "member2-host", "-n", "kubefed-ns", "--ignore-not-found", "-o", "name"])).toBe("");
});

test("taking over KubeFed installed with `helm install`, as the README says: the controller stays available, then an empty preview", async () => {
    emptyHost();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "helm-home-"));
    const helmEnv = { ...process.env, ...environment().env, HOME: home, XDG_CACHE_HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home };
    const helm = (args: string[]): string =>
        childProcess.execFileSync(path.join(environment().binDir, "helm"), [...args, "--kubeconfig", environment().clusters[HOST].kubeconfig], { env: helmEnv, encoding: "utf8" });
    const releases = () => JSON.parse(helm(["list", "-n", NS, "-o", "json"])) as { name: string; revision: string; status: string }[];
    let tookOver = false;
    try {
        // As users installed KubeFed before: helm install ... --create-namespace --wait.
        helm(["install", "kubefed", environment().kubefedChart, "-n", NS, "--create-namespace", "--set", "controllermanager.controller.replicaCount=1", "--wait", "--timeout", "5m"]);
        expect(releases()).toMatchObject([{ name: "kubefed", revision: "1", status: "deployed" }]);

        const stack = await controlPlaneStack("cp-takeover", { values: JSON.stringify(VALUES) }, []);
        const available = async () => Number((await kubectlAsync(HOST, ["get", "deployment", "kubefed-controller-manager", "-n", NS, "-o", "jsonpath={.status.availableReplicas}"]))?.trim() || 0);
        const { samples } = await sampleWhile(available, async () => {
            // Step 1: forget Helm's record of the release; every object of it stays, and runs.
            kubectl(HOST, ["delete", "secrets", "-n", NS, "-l", "owner=helm,name=kubefed"]);
            expect(releases()).toEqual([]);
            // Step 2: pulumi up. The release is installed again over the objects, whose ownership annotations name it.
            expect(await pendingChanges(stack)).toEqual(expect.arrayContaining(["create kubernetes:helm.sh/v3:Release kubefed/release"]));
            return up(stack);
        });
        expect(samples.length).toBeGreaterThan(5);
        expect(samples.filter((n) => n < 1)).toEqual([]);
        tookOver = true;
        expect(releases()).toMatchObject([{ name: "kubefed", revision: "1", status: "deployed" }]);
        // Installed again, the chart made a new webhook certificate: admission runs with it.
        expect(await until(() => /denied the request/.test(invalidKubeFedClusterRefusal()), 60)).toBe(true);
        expect(await pendingChanges(stack)).toEqual([]);
        // Taken over, it goes with the stack, as one installed by it.
        expect((await stack.destroy()).summary.result).toBe("succeeded");
        expect(terminating(HOST, NS)).toEqual([]);
        expect(releases()).toEqual([]);
    } finally {
        // When the take-over failed half-way, what helm installed is nobody's: remove it (the stack's own is destroyed after the suite).
        if (!tookOver) {
            try {
                helm(["uninstall", "kubefed", "-n", NS, "--wait"]);
            } catch {
                // no record of it left: emptyHost() removes the rest
            }
        }
        fs.rmSync(home, { recursive: true, force: true });
    }
});

describe.each([
    ["Pulumi YAML", "yaml-control-plane"],
    ["Python", "python-control-plane"],
] as const)("in %s", (_language, program) => {
    test("the control plane and a federation on it (controlPlane: the control plane), one up, an empty preview, a clean destroy", async () => {
        emptyHost();
        const stack = await federationStack(`cp-${program}-${Date.now()}`, [{ name: "member2" }], exampleProgram(program), { hostKubeconfig: kubeconfigOf(HOST), chart: environment().kubefedChart });
        stacks.push(stack);
        const outputs = await up(stack);
        expect(outputs).toMatchObject({ kubefedNamespace: NS, webhookAvailable: true, clusterNames: ["member2"] });
        expect(outputs.clusters.member2.ready).toBe(true);
        expect(await pendingChanges(stack)).toEqual([]);
        expect((await stack.destroy()).summary.result).toBe("succeeded");
        expect(terminating(HOST, NS)).toEqual([]);
        expect(kubectl(HOST, ["get", "kubefedclusters", "-n", NS, "-o", "name"])).toBe("");
    });
});
