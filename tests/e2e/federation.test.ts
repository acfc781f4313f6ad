// End to end: the real Pulumi CLI runs examples/basic against the local kube-apiservers, and the
// real KubeFed controller on the host reports the joined clusters Ready.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import {
    configureMembers,
    environment,
    federationStack,
    formatSteps,
    fromBase64,
    joinFootprint,
    kubeFedClusterReady,
    adminTokenOf,
    kubeconfigOf,
    kubectl,
    kubectlJSON,
    MemberConfig,
    run,
    stateFilesOf,
    stepCollector,
    removeStacks,
} from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const NS = "kube-federation-system";
const stackName = `e2e-${Date.now()}`;
const both: MemberConfig[] = [{ name: "member1" }, { name: "member2" }];
let stack: Stack;
let footprints: Record<"member1" | "member2", { inMember: string[]; onHost: string[] }>;

const member2Resources = [
    "pulumi:providers:kubernetes federation-member2",
    "kubernetes:core/v1:NamespacePatch federation/members/member2/namespace",
    "kubernetes:core/v1:ServiceAccount federation/members/member2/service-account",
    "kubernetes:core/v1:Secret federation/members/member2/token",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole federation/members/member2/cluster-role",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding federation/members/member2/cluster-role-binding",
    "kubernetes:core/v1:Secret federation/members/member2/host-token",
    "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster federation/members/member2/kubefedcluster",
];
const federationWideUpdates = ["update kubernetes:core/v1:ConfigMap federation-config", "update kubernetes:core/v1:Secret federation-kubeconfig"];

async function preview(members: MemberConfig[]): Promise<string[]> {
    await configureMembers(stack, members);
    const collector = stepCollector();
    await stack.preview({ onEvent: collector.onEvent });
    return formatSteps(collector.steps);
}

async function up(members: MemberConfig[]): Promise<string[]> {
    await configureMembers(stack, members);
    const collector = stepCollector();
    const result = await stack.up({ onEvent: collector.onEvent });
    expect(result.summary.result).toBe("succeeded");
    return formatSteps(collector.steps);
}

beforeAll(async () => {
    environment();
    stack = await federationStack(stackName, both);
});

afterAll(() => removeStacks([stack]));

test("up joins member1 and member2, and the KubeFed controller reports both Ready", async () => {
    const steps = await up(both);
    expect(steps.filter((s) => !s.startsWith("create "))).toEqual([]);
    for (const m of ["member1", "member2"]) {
        expect(kubeFedClusterReady(m)).toBe(true);
    }
    const outputs = await stack.outputs();
    expect(outputs.clusterNames.value).toEqual(["member1", "member2"]);
    const env = environment();
    expect(outputs.clusters.value.member1).toEqual({
        name: "member1",
        apiEndpoint: env.clusters.member1.server,
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: env.clusters.member1.server }],
        labels: {},
        replicas: 1,
        serviceAccountName: "member1-host",
        secretName: "member1-host-token",
        kubeFedClusterName: "member1",
        ready: true,
    });
    expect(outputs.clusters.value.member2.ready).toBe(true);
});

test("every object of the component exists in the host and in each member", () => {
    footprints = { member1: joinFootprint("member1"), member2: joinFootprint("member2") };
    for (const m of ["member1", "member2"] as const) {
        const sa = `${m}-host`;
        expect(footprints[m].inMember).toEqual([
            `ClusterRole /kubefed-controller-manager:${sa} rules=[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]},{"nonResourceURLs":["*"],"verbs":["get"]}]`,
            `ClusterRoleBinding /kubefed-controller-manager:${sa} roleRef=ClusterRole/kubefed-controller-manager:${sa} subjects=[{"kind":"ServiceAccount","name":"${sa}","namespace":"${NS}"}]`,
            `Secret ${NS}/${sa} type=kubernetes.io/service-account-token`,
            `ServiceAccount ${NS}/${sa}`,
        ]);
        expect(footprints[m].onHost).toEqual([`KubeFedCluster ${NS}/${m}`, `Secret ${NS}/${sa}-token type=Opaque`]);
        // The host's copy holds the member's token.
        const memberToken = kubectlJSON(m, ["get", "secret", sa, "-n", NS]).data.token;
        expect(kubectlJSON("host", ["get", "secret", `${sa}-token`, "-n", NS]).data.token).toBe(memberToken);
    }
    const document = kubectlJSON("host", ["get", "configmap", "kubefed-config", "-n", "kube-system"]).data["kubefed.yaml"];
    expect(document).toContain("clusterName: member1");
    expect(document).toContain("clusterName: member2");
    const kubeconfigs = kubectlJSON("host", ["get", "secret", "kubefed-kubeconfig", "-n", "kube-system"]).data;
    expect(Object.keys(kubeconfigs).sort()).toEqual(["kubeconfig-member1", "kubeconfig-member2"]);
    // Each kubeconfig in the Secret reaches its member as the federation's service account.
    for (const m of ["member1", "member2"]) {
        const file = path.join(os.tmpdir(), `${stackName}-${m}.yaml`);
        fs.writeFileSync(file, fromBase64(kubeconfigs[`kubeconfig-${m}`]), { mode: 0o600 });
        try {
            const user = run(binary("kubectl"), ["--kubeconfig", file, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"]);
            expect(user).toBe(`system:serviceaccount:${NS}:${m}-host`);
        } finally {
            fs.rmSync(file);
        }
    }
});

function binary(name: string): string {
    return path.join(environment().binDir, name);
}

test("the state holds no token or kubeconfig in plaintext", async () => {
    // The backend's own files: the Automation API's exportStack() decrypts secrets.
    const state = stateFilesOf(stackName);
    // hostKubeconfig is in the state twice: the host provider's input, and the UnreachableMemberRelease's.
    const credentials: Record<string, string> = { "host kubeconfig": kubeconfigOf("host"), "host admin token": adminTokenOf("host") };
    for (const m of ["member1", "member2"] as const) {
        const token = kubectlJSON(m, ["get", "secret", `${m}-host`, "-n", NS]).data.token;
        credentials[`${m} service-account token (base64)`] = token;
        credentials[`${m} service-account token`] = fromBase64(token);
        credentials[`${m} kubeconfig`] = kubeconfigOf(m);
        credentials[`${m} admin token`] = adminTokenOf(m);
    }
    for (const [key, data] of Object.entries<string>(kubectlJSON("host", ["get", "secret", "kubefed-kubeconfig", "-n", "kube-system"]).data)) {
        credentials[`${key} (base64)`] = data;
        credentials[key] = fromBase64(data);
    }
    for (const value of Object.values(credentials)) {
        expect(value.length).toBeGreaterThan(10);
    }
    const leaked = Object.entries(credentials)
        .filter(([, value]) => state.includes(value) || state.includes(JSON.stringify(value).slice(1, -1)))
        .map(([what]) => what);
    expect(leaked).toEqual([]);
});

test("with nothing changed, preview shows no change, up changes nothing and refresh finds no drift", async () => {
    expect(await preview(both)).toEqual([]);
    expect(await up(both)).toEqual([]);
    const collector = stepCollector();
    const refresh = await stack.refresh({ onEvent: collector.onEvent });
    expect(refresh.summary.resourceChanges ?? {}).not.toHaveProperty("update");
    expect(await preview(both)).toEqual([]);
});

test("scaling member1 to 3 replicas is an update of the federation document only", async () => {
    const scaled: MemberConfig[] = [{ name: "member1", replicas: 3 }, { name: "member2" }];
    expect(await preview(scaled)).toEqual(["update kubernetes:core/v1:ConfigMap federation-config"]);
    await up(scaled);
    expect((await stack.outputs()).clusters.value.member1.replicas).toBe(3);
    expect(kubectlJSON("host", ["get", "configmap", "kubefed-config", "-n", "kube-system"]).data["kubefed.yaml"]).toMatch(/clusterName: member1\n(.*\n)*?\s+replicas: 3/);
});

test("removing member2 deletes exactly its join objects, in the member and on the host", async () => {
    const only1: MemberConfig[] = [{ name: "member1", replicas: 3 }];
    const expected = [...member2Resources.map((r) => `delete ${r}`), ...federationWideUpdates].sort();
    expect(await preview(only1)).toEqual(expected);
    expect(await up(only1)).toEqual(expected);
    expect(joinFootprint("member2")).toEqual({ inMember: [], onHost: [] });
    expect(joinFootprint("member1")).toEqual(footprints.member1);
    expect((await stack.outputs()).clusterNames.value).toEqual(["member1"]);
});

test("adding member2 back creates only its objects and updates the federation-wide ones", async () => {
    const expected = [...member2Resources.map((r) => `create ${r}`), ...federationWideUpdates].sort();
    expect(await preview(both)).toEqual(expected);
    expect(await up(both)).toEqual(expected);
    expect(kubeFedClusterReady("member2")).toBe(true);
});

test("destroy leaves nothing the component created", async () => {
    await stack.destroy();
    for (const m of ["member1", "member2"] as const) {
        expect(joinFootprint(m)).toEqual({ inMember: [], onHost: [] });
    }
    const leftovers = kubectl("host", ["get", "configmap/kubefed-config", "secret/kubefed-kubeconfig", "-n", "kube-system", "--ignore-not-found", "-o", "name"]);
    expect(leftovers.trim()).toBe("");
});

test("kubefedctl join of the same cluster creates the same objects as the component", async () => {
    const env = environment();
    run(binary("kubefedctl"), ["join", "member1", "--cluster-context", "member1", "--host-cluster-context", "host", "--host-cluster-name", "host", "--kubefed-namespace", NS, "--kubeconfig", env.kubeconfigAll]);
    try {
        const peer = joinFootprint("member1");
        expect(peer.inMember).toEqual(footprints.member1.inMember);
        // The intended difference: kubefedctl names the host's token Secret `<member>-<random>`;
        // the component names it `<member>-<host>-token`, so that Pulumi can manage it.
        expect(peer.onHost.map((line) => line.replace(/Secret (\S+)\/member1-[a-z0-9]{5} /, "Secret $1/member1-host-token "))).toEqual(footprints.member1.onHost);
    } finally {
        run(binary("kubefedctl"), ["unjoin", "member1", "--cluster-context", "member1", "--host-cluster-context", "host", "--host-cluster-name", "host", "--kubefed-namespace", NS, "--kubeconfig", env.kubeconfigAll]);
    }
});
