// End to end, federated resources of every kind with the real KubeFed controller
// (examples/application): a Deployment, Service, ConfigMap, Secret, Ingress and ServiceAccount on
// two members, a canary image override on one and an environment variable on a region's members; a
// type of one's own enabled as code (refused while a member lacks its CRD); a narrowed placement and a member leaving with the user's own
// objects beside the federation's; the propagation output with a member down; the Secret's data
// never in plaintext in state; destroy.
import * as childProcess from "child_process";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import {
    environment,
    environmentUp,
    exampleProgram,
    federationStack,
    killApiserver,
    kubectl,
    kubectlJSON,
    MemberConfig,
    previewAndUp,
    previewSteps,
    removeStacks,
    stateFilesOf,
    until,
} from "../helpers/e2e";

jest.setTimeout(20 * 60 * 1000);

const NS = "fedapp";
const PASSWORD = "Db-S3cr3t-of-the-e2e-suite-42";
const EU = { name: "member1", labels: { region: "eu" } } as MemberConfig;
const US = { name: "member2", labels: { region: "us" } } as MemberConfig;
const BOTH = [EU, US];
const WIDGET_CRD = JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
        group: "example.com",
        names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
        scope: "Namespaced",
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
    },
});

let stack: Stack;
let stackName: string;
const base = { dbPassword: PASSWORD, canaryMember: "member2", namespace: NS };
const deploy = (members: MemberConfig[], extra: Record<string, string> = {}) => previewAndUp(stack, members, { ...base, ...extra });

type Cluster = "host" | "member1" | "member2";
const get = (cluster: Cluster, kind: string, name: string) => kubectl(cluster, ["--request-timeout=5s", "get", kind, name, "-n", NS, "--ignore-not-found", "-o", "json"]).trim();
const exists = (cluster: Cluster, kind: string, name: string) => get(cluster, kind, name) !== "";
const container = (cluster: Cluster) => kubectlJSON(cluster, ["get", "deployment", "api", "-n", NS]).spec.template.spec.containers[0];
const outputs = async () => Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value]));

beforeAll(async () => {
    environment();
    stackName = `resources-${Date.now()}`;
    stack = await federationStack(stackName, [], exampleProgram("application"), base);
    // The user's own objects in a namespace the federation will use, in both members.
    for (const member of ["member1", "member2"] as const) {
        kubectl(member, ["create", "namespace", NS]);
        kubectl(member, ["-n", NS, "create", "configmap", "users-own", "--from-literal=owner=user"]);
    }
});

afterAll(async () => {
    environmentUp();
    await removeStacks([stack]);
    for (const cluster of ["host", "member1", "member2"] as const) {
        kubectl(cluster, ["delete", "namespace", NS, "--ignore-not-found", "--timeout=120s"]);
        kubectl(cluster, ["delete", "crd", "widgets.example.com", "--ignore-not-found"]);
    }
});

test("an application of six kinds on two members: a canary image on member2, an env var on the region's members, every object where it belongs; the next preview is empty; no plaintext of the Secret in state", async () => {
    const { output } = await deploy(BOTH);
    expect(output).not.toContain("not yet propagated");
    // KubeFed propagated each kind to each member.
    for (const member of ["member1", "member2"] as const) {
        for (const [kind, name] of [["deployment", "api"], ["service", "api"], ["serviceaccount", "api"], ["ingress", "api"], ["configmap", "api-settings"], ["secret", "api-db"]]) {
            expect([member, kind, await until(() => exists(member, kind, name), 60)]).toEqual([member, kind, true]);
        }
        expect(Buffer.from(kubectlJSON(member, ["get", "secret", "api-db", "-n", NS]).data.password, "base64").toString()).toBe(PASSWORD);
    }
    // The overrides: the image on member2 only, the env var on the region "us" only.
    expect(container("member1")).toMatchObject({ image: "registry.k8s.io/pause:3.10", env: [{ name: "APP", value: "api" }] });
    expect(container("member2")).toMatchObject({ image: "registry.k8s.io/pause:3.10-canary", env: [{ name: "APP", value: "api" }, { name: "REGION", value: "us" }] });
    expect(await previewSteps(stack)).toEqual([]);
    const propagation = (await outputs()).propagation;
    expect(Object.keys(propagation).sort()).toEqual(["ConfigMap/fedapp/api-settings", "Deployment/fedapp/api", "Ingress/fedapp/api", "Secret/fedapp/api-db", "Service/fedapp/api", "ServiceAccount/fedapp/api"]);
    expect(propagation["Deployment/fedapp/api"]).toEqual({ members: { member1: { propagated: true }, member2: { propagated: true } } });
    const state = stateFilesOf(stackName);
    expect(state).not.toContain(PASSWORD);
    expect(state).not.toContain(Buffer.from(PASSWORD).toString("base64"));
    // The user's own objects are untouched.
    expect(exists("member2", "configmap", "users-own")).toBe(true);
});

test("a narrowed placement and a member leaving delete the federation's objects there, and nothing of the user's", async () => {
    const narrowed = await deploy(BOTH, { settingsSelector: JSON.stringify({ region: "eu" }) });
    expect(narrowed.steps).toEqual(["update kubernetes:types.kubefed.io/v1beta1:FederatedConfigMap federation/resources/ConfigMap/fedapp/api-settings"]);
    expect(exists("member2", "configmap", "api-settings")).toBe(false);
    expect(exists("member1", "configmap", "api-settings")).toBe(true);
    expect(await previewSteps(stack)).toEqual([]);

    await deploy([EU], { settingsSelector: JSON.stringify({ region: "eu" }) });
    for (const [kind, name] of [["deployment", "api"], ["service", "api"], ["serviceaccount", "api"], ["ingress", "api"], ["secret", "api-db"]]) {
        expect([kind, exists("member2", kind, name)]).toEqual([kind, false]);
        expect([kind, exists("member1", kind, name)]).toEqual([kind, true]);
    }
    expect(kubectl("member2", ["get", "namespace", NS, "-o", "name"]).trim()).toBe(`namespace/${NS}`);
    expect(exists("member2", "configmap", "users-own")).toBe(true);
    expect(await previewSteps(stack)).toEqual([]);
});

test("with member2's kube-apiserver killed, an update completes in bounded time, its warning and the propagation output name member2; KubeFed catches up once it is back, and the next preview is empty", async () => {
    await deploy(BOTH); // member2 joins again (it left in the test before)
    expect(await until(() => exists("member2", "deployment", "api"), 60)).toBe(true);
    killApiserver("member2");
    try {
        // KubeFed sees the member not Ready after its health checks fail.
        const notReady = () => kubectl("host", ["get", "kubefedcluster", "member2", "-n", environment().kubefedNamespace, "-o", "jsonpath={.status.conditions[?(@.type=='Ready')].status}"]).trim() !== "True";
        expect(await until(notReady, 120)).toBe(true);
        const { output, seconds } = await deploy(BOTH, { mode: "maintenance" });
        expect(seconds).toBeLessThan(120);
        expect(output).toMatch(/FederatedConfigMap fedapp\/api-settings: not yet propagated to member "member2" \(KubeFed: ClusterNotReady\)/);
        const propagation = (await outputs()).propagation;
        expect(propagation["ConfigMap/fedapp/api-settings"]).toEqual({ members: { member1: { propagated: true }, member2: { propagated: false, reason: "ClusterNotReady" } } });
        expect(kubectlJSON("member1", ["get", "configmap", "api-settings", "-n", NS]).data.mode).toBe("maintenance");
    } finally {
        environmentUp();
    }
    const caughtUp = () => {
        try {
            return JSON.parse(get("member2", "configmap", "api-settings") || "{}").data?.mode === "maintenance";
        } catch {
            return false;
        }
    };
    expect(await until(caughtUp, 180)).toBe(true);
    expect(await previewSteps(stack)).toEqual([]);
});

test("a type of one's own, enabled as code: refused while a member lacks its CRD (naming it, before KubeFed is told), then propagated to every member", async () => {
    for (const cluster of ["host", "member1"] as const) {
        kubectl(cluster, ["apply", "-f", "-"], WIDGET_CRD);
        kubectl(cluster, ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=60s"]);
    }
    // KubeFed v0.10.0 exits when a member's informer of an enabled type cannot sync: the update stops first.
    const refused = await deploy(BOTH, { widgets: "true", mode: "maintenance" }).then(
        () => "",
        (e: Error) => e.message,
    );
    expect(refused).toContain('federatedTypes example.com/v1 Widget is not served by every member');
    expect(refused).toContain('member "member2": it does not serve example.com/v1 (is the CRD of widgets.example.com installed there?)');
    expect(kubectl("host", ["get", "federatedtypeconfig", "widgets.example.com", "-n", environment().kubefedNamespace, "--ignore-not-found", "-o", "name"]).trim()).toBe("");
    expect(JSON.parse(childProcess.execFileSync("bash", [path.join(__dirname, "..", "..", "e2e", "env.sh"), "status", "--json"], { encoding: "utf8" })).running).toBe(true);

    kubectl("member2", ["apply", "-f", "-"], WIDGET_CRD);
    kubectl("member2", ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=60s"]);
    const { output } = await deploy(BOTH, { widgets: "true", mode: "maintenance" });
    expect(output).not.toContain("not yet propagated");
    for (const member of ["member1", "member2"] as const) {
        expect(await until(() => exists(member, "widgets.example.com", "api-widget"), 60)).toBe(true);
        expect(kubectlJSON(member, ["get", "widgets.example.com", "api-widget", "-n", NS]).spec).toEqual({ size: 3 });
    }
    expect(kubectlJSON("host", ["get", "federatedtypeconfig", "widgets.example.com", "-n", environment().kubefedNamespace]).spec.propagation).toBe("Enabled");
    expect((await outputs()).propagation["Widget/fedapp/api-widget"]).toEqual({ members: { member1: { propagated: true }, member2: { propagated: true } } });
    expect(await previewSteps(stack)).toEqual([]);
});

test("destroy leaves no federated object, type or finalizer on the host, deletes the federation's objects from the members, and keeps the user's", async () => {
    const result = await stack.destroy();
    expect(result.summary.result).toBe("succeeded");
    const left = (kind: string) => kubectl("host", ["get", kind, "-A", "-o", "name", "--ignore-not-found"]).trim();
    expect(["federateddeployments.types.kubefed.io", "federatedconfigmaps.types.kubefed.io", "federatedsecrets.types.kubefed.io", "federatednamespaces.types.kubefed.io"].map(left)).toEqual(["", "", "", ""]);
    expect(kubectl("host", ["get", "crd", "federatedwidgets.types.kubefed.io", "--ignore-not-found", "-o", "name"]).trim()).toBe("");
    for (const member of ["member1", "member2"] as const) {
        expect(await until(() => !exists(member, "deployment", "api") && !exists(member, "secret", "api-db"), 60)).toBe(true);
        expect(exists(member, "configmap", "users-own")).toBe(true);
    }
});
