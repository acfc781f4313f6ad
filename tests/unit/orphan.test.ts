// Releasing a departing member's workloads (orphanWorkloadsOnUnjoin), against a stand-in member
// API server that plays the RBAC authorizer and the objects KubeFed labelled.
import { JoinSettings } from "../../src/join";
import { kubeApi } from "../../src/kubeapi";
import { departingMembers, MANAGED_LABEL, narrowedRules, placedOn, releaseAll, releaseRules, releaseWorkloads } from "../../src/orphan";
import { ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE } from "../../src/rbac";
import { ROLE, simulatedMember, startApiServer, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";

const CLUSTER: JoinSettings = { hostClusterName: "host", kubefedNamespace: "kube-federation-system", scope: "Cluster" };
const NAMESPACED: JoinSettings = { ...CLUSTER, scope: "Namespaced" };

let server: TestApiServer | undefined;
afterEach(() => server?.close());

async function release(member: ReturnType<typeof simulatedMember>, settings = CLUSTER, options = {}) {
    server = await startApiServer(member.handle);
    return releaseWorkloads(kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "kubefed-sa-token" }, `member "member2"`), "member2", settings, options);
}

const OTHER_TYPES = (scope: string) =>
    [
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        `/api/v1${scope}/configmaps`,
        `/apis/networking.k8s.io/v1${scope}/ingresses`,
        `/apis/batch/v1${scope}/jobs`,
        `/apis/apps/v1${scope}/replicasets`,
        `/api/v1${scope}/secrets`,
        `/api/v1${scope}/serviceaccounts`,
    ]
        .filter((p) => !(scope && p.includes("clusterroles")))
        .map((p) => `GET ${p}`);

test("narrows KubeFed's role, waits until updates are denied, then unlabels the managed objects of every federated kind", async () => {
    const member = simulatedMember({ lag: 2 });
    expect(await release(member)).toEqual(["namespace shop", "deployment shop/web", "service shop/web"]);
    expect(member.rules()).toEqual(narrowedRules("Cluster", "kubefed-controller-manager:member2-host"));
    expect(member.rules()).toEqual(expect.arrayContaining([...releaseRules(), NON_RESOURCE_GET_RULE]));
    expect(member.objects.map((o) => [o.kind, o.name, o.labels])).toEqual([
        ["Namespace", "shop", {}],
        ["Namespace", "default", {}],
        ["Deployment", "web", { app: "web" }],
        ["Deployment", "own", { app: "own" }],
        ["Service", "web", {}],
    ]);
    const calls = server!.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
    // The role first; no label is touched while the authorizer may still let KubeFed re-adopt.
    // Kinds the member does not serve (404) are passed over.
    expect(calls).toEqual([
        `PATCH /apis/rbac.authorization.k8s.io/v1/clusterroles/${ROLE}`,
        ...Array(3).fill("POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews"),
        "GET /api/v1/namespaces",
        "PATCH /api/v1/namespaces/shop",
        "GET /apis/rbac.authorization.k8s.io/v1/clusterroles",
        "GET /api/v1/configmaps",
        "GET /apis/apps/v1/deployments",
        "PATCH /apis/apps/v1/namespaces/shop/deployments/web",
        "GET /apis/networking.k8s.io/v1/ingresses",
        "GET /apis/batch/v1/jobs",
        "GET /apis/apps/v1/replicasets",
        "GET /api/v1/secrets",
        "GET /api/v1/serviceaccounts",
        "GET /api/v1/services",
        "PATCH /api/v1/namespaces/shop/services/web",
    ]);
    expect(server!.requests.every((r) => r.headers.authorization === "Bearer kubefed-sa-token")).toBe(true);
    expect(server!.requests[4].path).toBe("/api/v1/namespaces?labelSelector=kubefed.io%2Fmanaged%3Dtrue");
    // The narrowed role lets it list and patch exactly those kinds, and nothing else.
    expect(releaseRules()).toEqual([
        { apiGroups: [""], resources: ["configmaps", "namespaces", "secrets", "serviceaccounts", "services"], verbs: ["get", "list", "patch"] },
        { apiGroups: ["apps"], resources: ["deployments", "replicasets"], verbs: ["get", "list", "patch"] },
        { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "patch"] },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["get", "list", "patch"] },
        { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["get", "list", "patch"] },
    ]);
});

test("a type the program enables is released too", async () => {
    const widget = { group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true };
    const member = simulatedMember();
    await release(member, CLUSTER, { types: [widget] });
    expect(member.rules()).toEqual(expect.arrayContaining([{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["get", "list", "patch"] }]));
    expect(server!.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toContain("GET /apis/example.com/v1/widgets");
});

test("with scope Namespaced, the Role in the KubeFed namespace is narrowed and only that namespace is searched", async () => {
    const member = simulatedMember();
    expect(await release(member, NAMESPACED)).toEqual([]);
    expect(member.rules()).toEqual(narrowedRules("Namespaced", "kubefed-controller-manager:member2-host"));
    const calls = server!.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
    expect(calls.slice(0, 2)).toEqual([`PATCH /apis/rbac.authorization.k8s.io/v1/namespaces/kube-federation-system/roles/${ROLE}`, "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]);
    expect(calls.slice(2).sort()).toEqual(["GET /apis/apps/v1/namespaces/kube-federation-system/deployments", "GET /api/v1/namespaces/kube-federation-system/services", ...OTHER_TYPES("/namespaces/kube-federation-system")].sort());
});

test("when another binding still lets KubeFed update, nothing is unlabelled and the error says why", async () => {
    const member = simulatedMember({ otherBinding: true });
    await expect(release(member, CLUSTER, { timeoutMs: 300, pollMs: 50 })).rejects.toThrow(
        "KubeFed's service account may still update Deployments after its role was narrowed: another binding grants it more (KubeFed's role there was restored)",
    );
    expect(member.objects.filter((o) => o.labels[MANAGED_LABEL] === "true").map((o) => `${o.kind} ${o.name}`)).toEqual(["Namespace shop", "Deployment web", "Service web"]);
    expect(member.rules()).toEqual([ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE]);
});

test("a release that fails half-way gives KubeFed its role back (the member stays a member); RBAC lets it only through escalate", async () => {
    const member = simulatedMember();
    const failing = (req: Parameters<typeof member.handle>[0]) =>
        req.method === "PATCH" && req.path.startsWith("/apis/apps/") ? { status: 500, body: { kind: "Status", message: "etcdserver: request timed out" } } : member.handle(req);
    server = await startApiServer(failing);
    const api = kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "kubefed-sa-token" }, `member "member2"`);
    await expect(releaseWorkloads(api, "member2", CLUSTER)).rejects.toThrow(/500 Internal Server Error: etcdserver: request timed out \(KubeFed's role there was restored\)$/);
    expect(member.rules()).toEqual([ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE]);

    // Without the escalate rule the API server would refuse the restoration: the error says what to do.
    server.close();
    member.setRules([ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE]);
    const noEscalate = (req: Parameters<typeof member.handle>[0]) =>
        req.method === "PATCH" && req.path.includes("/clusterroles/") && req.body.rules.some((r: { verbs: string[] }) => r.verbs.includes("escalate"))
            ? member.handle({ ...req, body: { rules: req.body.rules.filter((r: { verbs: string[] }) => !r.verbs.includes("escalate")) } })
            : failing(req);
    server = await startApiServer(noEscalate);
    await expect(releaseWorkloads(kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "t" }, `member "member2"`), "member2", CLUSTER)).rejects.toThrow(
        /and KubeFed's role could not be restored \(member "member2": PATCH .*: 403 Forbidden: is attempting to grant RBAC permissions not currently held\): `pulumi up --refresh` restores it$/,
    );
});

test("departing members are those the kubeconfig Secret held that are no longer members", () => {
    expect(departingMembers({ "kubeconfig-member1": "x", "kubeconfig-member2": "y", other: "z" }, ["member1", "member3"])).toEqual(["member2"]);
    expect(departingMembers(undefined, ["member1"])).toEqual([]);
});

test("a placement's members, from a federated resource's clusters or a scheduling preference's weights", () => {
    expect(placedOn({ spec: { placement: { clusters: [{ name: "b" }, { name: "a" }] } } })).toEqual(["a", "b"]);
    expect(placedOn({ spec: { clusters: { m1: { weight: 1 }, m2: { weight: 2 } } } })).toEqual(["m1", "m2"]);
    expect(placedOn({ spec: { placement: { clusterSelector: { matchLabels: { a: "b" } } } } } as never)).toEqual([]);
    expect(placedOn(undefined)).toEqual([]);
});

describe("releaseAll: all departing members or none", () => {
    const servers: TestApiServer[] = [];
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    const departing = async (member: string, simulated: ReturnType<typeof simulatedMember>) => {
        const s = await startApiServer(simulated.handle);
        servers.push(s);
        return { member, api: async () => kubeApi({ server: s.url, caPem: TEST_APISERVER_CA, token: "t" }, `member "${member}"`) };
    };
    const JOINED = [ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE];

    test("all released: what each left running", async () => {
        const [a, b] = [simulatedMember({ member: "member1" }), simulatedMember({ member: "member2" })];
        const released = await releaseAll([await departing("member1", a), await departing("member2", b)], CLUSTER);
        const all = ["namespace shop", "deployment shop/web", "service shop/web"];
        expect([...released]).toEqual([["member1", all], ["member2", all]]);
        expect([a.rules(), b.rules()]).toEqual([narrowedRules("Cluster", "kubefed-controller-manager:member1-host"), narrowedRules("Cluster", "kubefed-controller-manager:member2-host")]);
    });

    test("when a later member fails, the members released before it get KubeFed's role back, and the error names them", async () => {
        const first = simulatedMember({ member: "member1" });
        const second = simulatedMember({ member: "member2", otherBinding: true });
        const error = await releaseAll([await departing("member1", first), await departing("member2", second)], CLUSTER, { timeoutMs: 200, pollMs: 50 }).then(
            () => "",
            (e: Error) => e.message,
        );
        expect(error).toMatch(/^could not leave the workloads of departing member "member2" running: KubeFed's service account may still update Deployments/);
        expect(error).toContain(`KubeFed's role was also restored in "member1", released earlier in this update.`);
        expect([first.rules(), second.rules()]).toEqual([JOINED, JOINED]);
    });

    test("a member whose client cannot even be made (a proxy) fails the release the same way", async () => {
        const first = simulatedMember({ member: "member1" });
        const unusable = { member: "member2", api: async () => kubeApi({ server: "https://m:6443", token: "t", proxyURL: "http://p:3128" }, 'member "member2"') };
        await expect(releaseAll([await departing("member1", first), unusable], CLUSTER)).rejects.toThrow(
            /departing member "member2" running: member "member2" is reached through a proxy.*also restored in "member1"/,
        );
        expect(first.rules()).toEqual(JOINED);
    });
});
