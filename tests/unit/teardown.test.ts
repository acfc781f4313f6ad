// A destroy with a member down: the KubeFedClusters of the members KubeFed cannot reach are deleted
// first, against a stand-in host (KubeFedClusters, the kubeconfig Secret) and stand-in members.
import { base64 } from "../../src/objects";
import { kubeApi } from "../../src/kubeapi";
import { renderMemberKubeconfig } from "../../src/kubeconfig";
import { releaseUnreachableMembers, TeardownOptions, TeardownSettings } from "../../src/teardown";
import { FEDERATION_LABEL } from "../../src/workloads";
import { DEFAULT_TEARDOWN_SETTINGS } from "../helpers/mocks";
import { ApiRequest, simulatedHost, SimulatedKubeFedCluster, startApiServer, status, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";

const SETTINGS: TeardownSettings = DEFAULT_TEARDOWN_SETTINGS;
const KUBECONFIG_SECRET = "/api/v1/namespaces/kube-system/secrets/kubefed-kubeconfig";

let servers: TestApiServer[] = [];
afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
});

const ready = (status: "True" | "False") => ({ conditions: [{ type: "Ready", status, ...(status === "False" ? { reason: "ClusterNotReachable", message: "cluster is not reachable" } : {}) }] });
const cluster = (name: string, st: ReturnType<typeof ready>, federation = "federation"): SimulatedKubeFedCluster => ({
    metadata: { name, labels: { [FEDERATION_LABEL]: federation } },
    spec: { secretRef: { name: `${name}-host-token` } },
    status: st,
});

/** A member that answers /healthz. */
async function liveMember(): Promise<string> {
    const server = await startApiServer(() => ({ status: 200, body: "ok" }));
    servers.push(server);
    return server.url;
}
/** Where nothing listens. */
const DEAD = "https://127.0.0.1:1";

/** The federation's kubeconfig Secret with an entry per member, as the component writes it. */
const kubeconfigData = (servers: { [member: string]: string }) =>
    Object.fromEntries(Object.entries(servers).map(([m, server]) => [`kubeconfig-${m}`, base64(renderMemberKubeconfig({ clusterName: m, userName: `${m}-host`, server, token: "t", caPem: TEST_APISERVER_CA }))]));

async function run(clusters: SimulatedKubeFedCluster[], memberServers: { [member: string]: string }, options: Partial<TeardownOptions> = {}, route?: (req: ApiRequest) => ReturnType<typeof status> | undefined) {
    const host = simulatedHost(clusters, []);
    const server = await startApiServer((req) => route?.(req) ?? (req.path === KUBECONFIG_SECRET ? { status: 200, body: { data: kubeconfigData(memberServers) } } : host.handle(req)));
    servers.push(server);
    const messages: { info: string[]; warn: string[] } = { info: [], warn: [] };
    const released = releaseUnreachableMembers(kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "admin" }, "the host"), SETTINGS, {
        waitSeconds: 5,
        pollSeconds: 0.05,
        info: (m) => void messages.info.push(m),
        warn: (m) => void messages.warn.push(m),
        ...options,
    });
    return { host, server, messages, released };
}

const deletes = (server: TestApiServer) => server.requests.filter((r) => r.method === "DELETE").map((r) => r.path);

test("deletes the KubeFedCluster of a member KubeFed reports not Ready, and warns with what stays in it; a Ready member that answers and another federation's member are left", async () => {
    const { host, server, messages, released } = await run(
        [cluster("member1", ready("True")), cluster("member2", ready("False")), cluster("other", ready("False"), "another-federation")],
        { member1: await liveMember(), member2: DEAD },
    );
    expect(await released).toEqual(["member2"]);
    expect(deletes(server)).toEqual(["/apis/core.kubefed.io/v1beta1/namespaces/kube-federation-system/kubefedclusters/member2"]);
    expect(host.clusters.map((c) => c.metadata.name)).toEqual(["member1", "other"]);
    expect(messages.warn).toHaveLength(1);
    expect(messages.warn[0]).toContain('member "member2" leaves the federation while unreachable (KubeFed says Ready=False (ClusterNotReachable): cluster is not reachable)');
    expect(messages.warn[0]).toContain("ServiceAccount kube-federation-system/member2-host");
    expect(messages.warn[0]).toContain("the federation's Deployments and their namespaces");
});

test("a member that stopped answering while KubeFed still says Ready: waits for KubeFed to see it not Ready, then deletes its KubeFedCluster", async () => {
    const member2 = cluster("member2", ready("True"));
    let polls = 0;
    const { server, messages, released } = await run([cluster("member1", ready("True")), member2], { member1: await liveMember(), member2: DEAD }, {}, (req) => {
        if (req.method === "GET" && req.path.endsWith("/kubefedclusters/member2") && ++polls === 3) {
            member2.status = ready("False"); // KubeFed's third failed check
        }
        return undefined;
    });
    expect(await released).toEqual(["member2"]);
    expect(messages.info).toEqual([expect.stringMatching(/^member "member2" does not answer \(https:\/\/127\.0\.0\.1:1: connect ECONNREFUSED .*\); waiting up to 5 s for KubeFed to see it not Ready$/)]);
    expect(messages.warn[0]).toMatch(/unreachable \(https:\/\/127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1; KubeFed says Ready=False/);
    expect(deletes(server)).toEqual(["/apis/core.kubefed.io/v1beta1/namespaces/kube-federation-system/kubefedclusters/member2"]);
});

test("a member that does not answer here while KubeFed keeps it Ready for the whole wait is left to KubeFed: nothing deleted", async () => {
    const started = Date.now();
    const { server, messages, released } = await run([cluster("member2", ready("True"))], { member2: DEAD }, { waitSeconds: 0.5 });
    expect(await released).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(deletes(server)).toEqual([]);
    expect(messages.info[1]).toBe('member "member2": KubeFed still reports it Ready after 0.5 s; it is left to KubeFed');
});

test("a KubeFedCluster KubeFed has not reported on, of a member that answers, is left", async () => {
    const fresh = { metadata: { name: "member1", labels: { [FEDERATION_LABEL]: "federation" } }, spec: { secretRef: { name: "member1-host-token" } } };
    const { server, released } = await run([fresh], { member1: await liveMember() });
    expect(await released).toEqual([]);
    expect(deletes(server)).toEqual([]);
});

test("only this federation's members: with its label and an entry in its kubeconfig Secret (another stack on the same host keeps its own)", async () => {
    const otherStacks = await run([cluster("member2", ready("False")), cluster("member3", ready("False"))], { member2: DEAD });
    expect(await otherStacks.released).toEqual(["member2"]);
    expect(otherStacks.host.clusters.map((c) => c.metadata.name)).toEqual(["member3"]);
    // An entry this client cannot use (a proxy) still counts: KubeFed's verdict alone decides.
    const proxied = { member2: DEAD };
    const viaProxy = await run([cluster("member2", ready("False"))], proxied, {}, (req) =>
        req.path === KUBECONFIG_SECRET ? { status: 200, body: { data: { "kubeconfig-member2": base64(renderMemberKubeconfig({ clusterName: "member2", userName: "u", server: DEAD, token: "t", proxyURL: "http://proxy:3128" })) } } } : undefined,
    );
    expect(await viaProxy.released).toEqual(["member2"]);
    // No kubeconfig Secret: no member of this federation is known, nothing is released.
    const noSecret = await run([cluster("member2", ready("False"))], {}, {}, (req) => (req.path === KUBECONFIG_SECRET ? status(404, "secrets not found") : undefined));
    expect(await noSecret.released).toEqual([]);
});

test("a KubeFedCluster that cannot be deleted: one error that names the member and why it is released", async () => {
    const { released } = await run([cluster("member2", ready("False"))], { member2: DEAD }, {}, (req) => (req.method === "DELETE" ? status(403, "kubefedclusters is forbidden") : undefined));
    await expect(released).rejects.toThrow(
        /^member "member2" cannot be reached \(KubeFed says Ready=False \(ClusterNotReachable\): cluster is not reachable\), and its KubeFedCluster could not be deleted so that KubeFed lets the federated objects go: the host: DELETE .*member2: 403 Forbidden: kubefedclusters is forbidden$/,
    );
});
