// Uninstalling KubeFed as its chart says: the FederatedTypeConfigs deleted while the controller
// runs, against a stand-in host whose "controller" lets them go, or never does.
import { deleteTypeConfigs } from "../../src/control-plane-teardown";
import { kubeApi } from "../../src/kubeapi";
import { ApiRequest, startApiServer, status, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";

const LIST = "/apis/core.kubefed.io/v1beta1/namespaces/kube-federation-system/federatedtypeconfigs";
let server: TestApiServer | undefined;
afterEach(async () => server?.close());

/** A host with these FederatedTypeConfigs; a deleted one goes after `controllerPolls` lists (never, when undefined). */
async function host(names: string[], controllerPolls: number | undefined) {
    const deleting = new Map<string, number>();
    const present = new Set(names);
    server = await startApiServer((req: ApiRequest) => {
        const name = req.path.startsWith(`${LIST}/`) ? req.path.slice(LIST.length + 1) : undefined;
        if (req.method === "GET" && req.path === LIST) {
            for (const [n, polls] of deleting) {
                if (controllerPolls !== undefined && polls >= controllerPolls) {
                    present.delete(n);
                    deleting.delete(n);
                } else {
                    deleting.set(n, polls + 1);
                }
            }
            return { status: 200, body: { items: [...present].map((n) => ({ metadata: { name: n } })) } };
        }
        if (req.method === "DELETE" && name && present.has(name)) {
            deleting.set(name, 0);
            return { status: 200, body: {} };
        }
        if (req.method === "PATCH" && name && present.has(name)) {
            present.delete(name);
            return { status: 200, body: {} };
        }
        return status(404, "not found");
    });
    const messages: string[] = [];
    const options = { waitSeconds: 2, pollSeconds: 0.1, info: (m: string) => void messages.push(`info: ${m}`), warn: (m: string) => void messages.push(`warn: ${m}`) };
    const api = kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "admin" }, "the host");
    return { run: () => deleteTypeConfigs(api, "kube-federation-system", options), messages, present, requests: () => server!.requests.map((r) => `${r.method} ${r.path.replace(LIST, "")}`) };
}

test("each FederatedTypeConfig is deleted, and the teardown waits until the controller has let them all go", async () => {
    const h = await host(["configmaps", "deployments.apps"], 2);
    await h.run();
    expect(h.present.size).toBe(0);
    expect(h.requests()).toEqual(expect.arrayContaining(["DELETE /configmaps", "DELETE /deployments.apps"]));
    expect(h.requests().filter((r) => r.startsWith("PATCH"))).toEqual([]);
    expect(h.messages).toEqual(["info: deleting the 2 FederatedTypeConfigs of kube-federation-system while the KubeFed controller runs, before its release is uninstalled"]);
});

test("with no controller to let them go, their finalizer is removed after the wait, with a warning naming them", async () => {
    const h = await host(["configmaps", "secrets"], undefined);
    const started = Date.now();
    await h.run();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(h.present.size).toBe(0);
    expect(h.requests().filter((r) => r.startsWith("PATCH"))).toEqual(["PATCH /configmaps", "PATCH /secrets"]);
    expect(h.messages[1]).toMatch(/^warn: the KubeFed controller did not process the deletion of 2 FederatedTypeConfigs of kube-federation-system within 2 s \(configmaps, secrets\)/);
});

test("nothing to do when there are none, or no KubeFed CRDs at all", async () => {
    const h = await host([], 1);
    await h.run();
    expect(h.requests()).toEqual(["GET "]);
    expect(h.messages).toEqual([]);
});
