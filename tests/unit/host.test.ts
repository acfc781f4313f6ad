// The component's own calls to the host (hostKubeconfig), against a stand-in API server that keeps
// KubeFedClusters and Secrets of the KubeFed namespace.
import { kubeApi } from "../../src/kubeapi";
import { deleteReplacedSecret, kubeFedClusterConditions, notReadyMessage, recordReleased, RELEASED_ANNOTATION, releasedOrForgotten, recordReplacedSecret, REPLACED_SECRET_ANNOTATION } from "../../src/host";
import { simulatedHost, SimulatedKubeFedCluster, startApiServer, status, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";

const NS = "kube-federation-system";

let server: TestApiServer | undefined;
afterEach(() => server?.close());

async function hostApi(host: ReturnType<typeof simulatedHost>) {
    server = await startApiServer(host.handle);
    return kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "admin" }, "the host");
}

const kubefedctlJoined = (): SimulatedKubeFedCluster => ({ metadata: { name: "member1" }, spec: { secretRef: { name: "member1-x7k2p" } } });

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
    const shared: SimulatedKubeFedCluster = { metadata: { name: "member2" }, spec: { secretRef: { name: "member1-x7k2p" } } };
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
    const api = kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "t" }, "the host");
    await expect(recordReplacedSecret(api, NS, "member1", "member1-host-token")).rejects.toThrow("403 Forbidden: kubefedclusters.core.kubefed.io is forbidden");
    await expect(kubeFedClusterConditions(api, NS, "member1")).rejects.toThrow("403");
});

test("a release recorded on the departing member's KubeFedCluster is found again; a member KubeFed no longer knows counts as released", async () => {
    const host = simulatedHost([kubefedctlJoined()], []);
    const api = await hostApi(host);
    expect(await releasedOrForgotten(api, NS, "member1")).toBe(false);
    await recordReleased(api, NS, "member1");
    expect(host.clusters[0].metadata.annotations).toEqual({ [RELEASED_ANNOTATION]: "true" });
    expect(await releasedOrForgotten(api, NS, "member1")).toBe(true);
    expect(await releasedOrForgotten(api, NS, "member9")).toBe(true);
});
