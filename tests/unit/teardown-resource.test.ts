// The plugin's side of UnreachableMemberRelease: it keeps its inputs (secrets wrapped) and acts only
// when deleted, against the host its state names.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubefedProvider } from "../../src/provider";
import { renderMemberKubeconfig } from "../../src/kubeconfig";
import { base64 } from "../../src/objects";
import { FEDERATION_LABEL } from "../../src/workloads";
import { simulatedHost, startApiServer, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";
import { DEFAULT_TEARDOWN_SETTINGS, wireSecret } from "../helpers/mocks";

const URN = "urn:pulumi:dev::fed::kubefed:index:KubefedFederation$kubefed:index:UnreachableMemberRelease::fed/unreachable-member-release";
const settings = DEFAULT_TEARDOWN_SETTINGS;
const inputs = (server: string) => ({ hostKubeconfig: wireSecret(renderMemberKubeconfig({ clusterName: "host", userName: "admin", server, token: "t", caPem: TEST_APISERVER_CA })), ...settings });

jest.setTimeout(30_000); // the first delete loads @kubernetes/client-node

let server: TestApiServer | undefined;
afterEach(() => server?.close());

/** Two members labelled for this federation on a stand-in host: member1 Ready, member2 not. */
async function hostWithADeadMember() {
    const host = simulatedHost(
        [
            { metadata: { name: "member1", labels: { [FEDERATION_LABEL]: "federation" } }, spec: { secretRef: { name: "member1-host-token" } }, status: { conditions: [{ type: "Ready", status: "True" }] } },
            { metadata: { name: "member2", labels: { [FEDERATION_LABEL]: "federation" } }, spec: { secretRef: { name: "member2-host-token" } }, status: { conditions: [{ type: "Ready", status: "False" }] } },
        ],
        [],
    );
    // Only member2 has an entry in this federation's kubeconfig Secret: member1 is another stack's.
    const entries = { "kubeconfig-member2": base64(renderMemberKubeconfig({ clusterName: "member2", userName: "member2-host", server: "https://127.0.0.1:1", token: "t2" })) };
    server = await startApiServer((req) => (req.path.endsWith("/secrets/kubefed-kubeconfig") ? { status: 200, body: { data: entries } } : host.handle(req)));
    return host;
}

/** What the plugin sends the engine's log while `f` runs (it writes to stderr without an engine). */
async function logOf(f: () => Promise<unknown>): Promise<string[]> {
    const stderr = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
        await f();
        return stderr.mock.calls.map((c) => String(c[0]));
    } finally {
        stderr.mockRestore();
    }
}

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
    const host = await hostWithADeadMember();
    const log = await logOf(() => new KubefedProvider().delete("id", URN, inputs(server!.url)));
    expect(host.clusters.map((c) => c.metadata.name)).toEqual(["member1"]);
    expect(log).toEqual([expect.stringMatching(/^warning: member "member2" leaves the federation while unreachable \(KubeFed says Ready=False\)/)]);
    expect(server!.requests[0].headers.authorization).toBe("Bearer t");
});

test("delete with a hostKubeconfig as EKS, GKE and AKS give it (an exec credential plugin, the CA by file) releases the dead member", async () => {
    const host = await hostWithADeadMember();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-exec-"));
    try {
        fs.writeFileSync(path.join(dir, "ca.crt"), TEST_APISERVER_CA);
        fs.writeFileSync(path.join(dir, "token.sh"), `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"from-exec"}}'\n`, { mode: 0o755 });
        const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: host, cluster: {server: '${server!.url}', certificate-authority: '${path.join(dir, "ca.crt")}'}}]
users: [{name: admin, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: '${path.join(dir, "token.sh")}'}}}]
contexts: [{name: host, context: {cluster: host, user: admin}}]
current-context: host
`;
        const log = await logOf(() => new KubefedProvider().delete("id", URN, { ...settings, hostKubeconfig: wireSecret(kubeconfig) }));
        expect(host.clusters.map((c) => c.metadata.name)).toEqual(["member1"]);
        expect(log).toEqual([expect.stringMatching(/^warning: member "member2" leaves the federation while unreachable/)]);
        expect(new Set(server!.requests.map((r) => r.headers.authorization))).toEqual(new Set(["Bearer from-exec"]));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("delete with a host that cannot be asked completes, with a warning that says what was not checked", async () => {
    const answers: [string, (url: string) => string][] = [
        ["does not listen", () => "https://127.0.0.1:1"],
        ["answers HTML", (url) => url],
    ];
    server = await startApiServer(() => ({ status: 502, body: "<html>bad gateway</html>" }));
    for (const [what, urlOf] of answers) {
        const started = Date.now();
        const log = await logOf(() => new KubefedProvider().delete("id", URN, inputs(urlOf(server!.url))));
        expect([what, log]).toEqual([what, [expect.stringMatching(/^warning: could not check the members of federation "federation" for ones KubeFed cannot reach \(the host: GET .*\); none was released\./)]]);
        expect(log[0]).toContain("kubectl -n kube-federation-system get kubefedclusters");
        expect(Date.now() - started).toBeLessThan(20_000);
    }
});
