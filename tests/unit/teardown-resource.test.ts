// The plugin's side of UnreachableMemberRelease: it keeps its inputs (secrets wrapped) and acts only
// when deleted, against the host its state names.
import { KubefedProvider } from "../../src/provider";
import { renderMemberKubeconfig } from "../../src/kubeconfig";
import { base64 } from "../../src/objects";
import { FEDERATION_LABEL } from "../../src/workloads";
import { simulatedHost, startApiServer, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";
import { DEFAULT_TEARDOWN_SETTINGS, wireSecret } from "../helpers/mocks";

const URN = "urn:pulumi:dev::fed::kubefed:index:KubefedFederation$kubefed:index:UnreachableMemberRelease::fed/unreachable-member-release";
const settings = DEFAULT_TEARDOWN_SETTINGS;
const inputs = (server: string) => ({ hostKubeconfig: wireSecret(renderMemberKubeconfig({ clusterName: "host", userName: "admin", server, token: "t", caPem: TEST_APISERVER_CA })), ...settings });

let server: TestApiServer | undefined;
afterEach(() => server?.close());

test("check, create, diff, update and read keep the inputs as they came (the kubeconfig a wrapped secret) and ask nothing of any cluster", async () => {
    const provider = new KubefedProvider();
    const news = inputs("https://127.0.0.1:1");
    expect(await provider.check(URN, {}, news)).toEqual({ inputs: news, failures: [] });
    expect((await provider.check(URN, {}, { ...settings, scope: "" })).failures).toEqual([
        { property: "hostKubeconfig", reason: "hostKubeconfig is required" },
        { property: "scope", reason: "scope is required" },
    ]);
    expect(await provider.create(URN, news)).toEqual({ id: "kube-federation-system/federation", outs: news });
    expect(await provider.diff("id", URN, news, inputs("https://127.0.0.1:1"))).toEqual({ changes: false });
    expect(await provider.diff("id", URN, news, inputs("https://127.0.0.1:2"))).toEqual({ changes: true });
    expect(await provider.diff("id", URN, news, { ...news, kubeconfigSecretName: "other" })).toEqual({ changes: true });
    expect(await provider.update("id", URN, news, news)).toEqual({ outs: news });
    expect(await provider.read("id", URN, news)).toEqual({ id: "id", props: news });
    await expect(provider.create(URN.replace("UnreachableMemberRelease", "Other"), news)).rejects.toThrow("unknown resource type kubefed:index:Other");
});

test("delete releases the members KubeFed cannot reach, on the host of its state", async () => {
    const host = simulatedHost(
        [
            { metadata: { name: "member1", labels: { [FEDERATION_LABEL]: "federation" } }, spec: { secretRef: { name: "member1-host-token" } }, status: { conditions: [{ type: "Ready", status: "True" }] } },
            { metadata: { name: "member2", labels: { [FEDERATION_LABEL]: "federation" } }, spec: { secretRef: { name: "member2-host-token" } }, status: { conditions: [{ type: "Ready", status: "False" }] } },
        ],
        [],
    );
    // Only member2 has an entry in this federation's kubeconfig Secret: member1 is another stack's.
    const entry = base64(renderMemberKubeconfig({ clusterName: "member2", userName: "member2-host", server: "https://127.0.0.1:1", token: "t2" }));
    server = await startApiServer((req) => (req.path.endsWith("/secrets/kubefed-kubeconfig") ? { status: 200, body: { data: { "kubeconfig-member2": entry } } } : host.handle(req)));
    const stderr = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
        await new KubefedProvider().delete("id", URN, inputs(server.url));
        expect(host.clusters.map((c) => c.metadata.name)).toEqual(["member1"]);
        expect(stderr.mock.calls.map((c) => c[0])).toEqual([expect.stringMatching(/^warning: member "member2" leaves the federation while unreachable \(KubeFed says Ready=False\)/)]);
        expect(server.requests[0].headers.authorization).toBe("Bearer t");
    } finally {
        stderr.mockRestore();
    }
});
