// The component's own calls to the host (hostKubeconfig), against a stand-in API server that keeps
// KubeFedClusters and Secrets of the KubeFed namespace.
import { kubeApi } from "../../src/kubeapi";
import { deleteReplacedSecret, kubeFedClusterConditions, notReadyMessage, recordReplacedSecret, REPLACED_SECRET_ANNOTATION } from "../../src/host";
import { ApiRequest, startApiServer, status, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";

const NS = "kube-federation-system";
const CLUSTERS = `/apis/core.kubefed.io/v1beta1/namespaces/${NS}/kubefedclusters`;
const SECRETS = `/api/v1/namespaces/${NS}/secrets`;

interface Cluster {
    metadata: { name: string; annotations?: { [key: string]: string | null } };
    spec: { secretRef: { name: string } };
    status?: unknown;
}

/** A host with `clusters` and the Secrets `secrets`: GET, list, merge-PATCH of annotations, DELETE. */
function simulatedHost(clusters: Cluster[], secrets: string[]) {
    const handle = (req: ApiRequest) => {
        if (req.path === CLUSTERS && req.method === "GET") {
            return { status: 200, body: { items: clusters } };
        }
        if (req.path.startsWith(`${CLUSTERS}/`)) {
            const cluster = clusters.find((c) => c.metadata.name === decodeURIComponent(req.path.slice(CLUSTERS.length + 1)));
            if (!cluster) {
                return status(404, "kubefedclusters.core.kubefed.io not found");
            }
            if (req.method === "PATCH") {
                const annotations = { ...cluster.metadata.annotations, ...req.body.metadata.annotations };
                cluster.metadata.annotations = Object.fromEntries(Object.entries(annotations).filter(([, v]) => v !== null)) as { [key: string]: string };
            }
            return { status: 200, body: cluster };
        }
        if (req.path.startsWith(`${SECRETS}/`) && req.method === "DELETE") {
            const i = secrets.indexOf(decodeURIComponent(req.path.slice(SECRETS.length + 1)));
            if (i < 0) {
                return status(404, "secrets not found");
            }
            secrets.splice(i, 1);
            return { status: 200, body: { kind: "Status", status: "Success" } };
        }
        return status(400, `unexpected ${req.method} ${req.path}`);
    };
    return { clusters, secrets, handle };
}

let server: TestApiServer | undefined;
afterEach(() => server?.close());

async function hostApi(host: ReturnType<typeof simulatedHost>) {
    server = await startApiServer(host.handle);
    return kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "admin" });
}

const kubefedctlJoined = (): Cluster => ({ metadata: { name: "member1" }, spec: { secretRef: { name: "member1-x7k2p" } } });

test("a kubefedctl join taken over: its host token Secret is recorded on the KubeFedCluster, then deleted once the cluster uses ours", async () => {
    const host = simulatedHost([kubefedctlJoined()], ["member1-x7k2p", "member1-host-token", "unrelated"]);
    const api = await hostApi(host);

    expect(await recordReplacedSecret(api, NS, "member1", "member1-host-token")).toBe("member1-x7k2p");
    expect(host.clusters[0].metadata.annotations).toEqual({ [REPLACED_SECRET_ANNOTATION]: "member1-x7k2p" });
    // Recorded once: a second try (an update that failed, run again) keeps the first record.
    expect(await recordReplacedSecret(api, NS, "member1", "member1-host-token")).toBeUndefined();

    host.clusters[0].spec.secretRef.name = "member1-host-token"; // what pulumi-kubernetes applies
    expect(await deleteReplacedSecret(api, NS, "member1")).toBe("member1-x7k2p");
    expect(host.secrets).toEqual(["member1-host-token", "unrelated"]);
    expect(host.clusters[0].metadata.annotations).toEqual({});
    // Nothing recorded any more: nothing to do.
    expect(await deleteReplacedSecret(api, NS, "member1")).toBeUndefined();
});

test("a join of our own, or a new one, records nothing and deletes nothing", async () => {
    const host = simulatedHost([{ metadata: { name: "member1" }, spec: { secretRef: { name: "member1-host-token" } } }], ["member1-host-token"]);
    const api = await hostApi(host);
    expect(await recordReplacedSecret(api, NS, "member1", "member1-host-token")).toBeUndefined();
    expect(await recordReplacedSecret(api, NS, "member2", "member2-host-token")).toBeUndefined(); // no KubeFedCluster yet
    expect(await deleteReplacedSecret(api, NS, "member1")).toBeUndefined();
    expect(host.secrets).toEqual(["member1-host-token"]);
    expect(server!.requests.filter((r) => r.method !== "GET")).toEqual([]);
});

test("a recorded Secret another KubeFedCluster still uses is kept; one already gone is fine", async () => {
    const shared: Cluster = { metadata: { name: "member2" }, spec: { secretRef: { name: "member1-x7k2p" } } };
    const host = simulatedHost([{ ...kubefedctlJoined(), metadata: { name: "member1", annotations: { [REPLACED_SECRET_ANNOTATION]: "member1-x7k2p" } } }, shared], ["member1-x7k2p"]);
    const api = await hostApi(host);
    host.clusters[0].spec.secretRef.name = "member1-host-token";
    expect(await deleteReplacedSecret(api, NS, "member1")).toBeUndefined();
    expect(host.secrets).toEqual(["member1-x7k2p"]);
    expect(host.clusters[0].metadata.annotations).toEqual({});

    host.clusters[0].metadata.annotations = { [REPLACED_SECRET_ANNOTATION]: "member1-gone1" };
    expect(await deleteReplacedSecret(api, NS, "member1")).toBeUndefined();
    expect(host.clusters[0].metadata.annotations).toEqual({});
});

test("why a member is not Ready: KubeFed's conditions, in one line that names the member", async () => {
    const offline = [
        { type: "Offline", status: "True", reason: "ClusterNotReachable", message: "cluster is not reachable" },
        { type: "Ready", status: "False", reason: "ClusterNotReachable", message: 'cluster is not reachable: Get "https://127.0.10.3:6443/healthz": dial tcp 127.0.10.3:6443: connect: connection refused' },
    ];
    const host = simulatedHost([{ ...kubefedctlJoined(), status: { conditions: offline } }, { metadata: { name: "member2" }, spec: { secretRef: { name: "s" } } }], []);
    const api = await hostApi(host);
    const conditions = await kubeFedClusterConditions(api, NS, "member1");
    expect(notReadyMessage("member1", 120, conditions!)).toBe(
        'member "member1" is not Ready (waitForReady waits up to 120 s, readyTimeoutSeconds): KubeFed says Offline=True (ClusterNotReachable): cluster is not reachable; ' +
            'Ready=False (ClusterNotReachable): cluster is not reachable: Get "https://127.0.10.3:6443/healthz": dial tcp 127.0.10.3:6443: connect: connection refused',
    );
    expect(notReadyMessage("member2", 30, (await kubeFedClusterConditions(api, NS, "member2"))!)).toBe(
        'member "member2" is not Ready (waitForReady waits up to 30 s, readyTimeoutSeconds): KubeFed has not reported on it yet (no conditions: is the KubeFed controller running?)',
    );
    expect(await kubeFedClusterConditions(api, NS, "member3")).toBeUndefined();
});

test("the host's errors other than 404 are not swallowed", async () => {
    server = await startApiServer(() => status(403, "kubefedclusters.core.kubefed.io is forbidden"));
    const api = kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "t" });
    await expect(recordReplacedSecret(api, NS, "member1", "member1-host-token")).rejects.toThrow("403 Forbidden: kubefedclusters.core.kubefed.io is forbidden");
    await expect(kubeFedClusterConditions(api, NS, "member1")).rejects.toThrow("403");
});
