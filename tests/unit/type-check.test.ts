// Before a type of the program's own is enabled: every member must serve it (KubeFed v0.10.0 exits
// when a member's informer of an enabled type cannot sync). Against stand-in member API servers.
import * as pulumi from "@pulumi/pulumi";
import { knownTypes } from "../../src/federated-types";
import { typeCheckHook } from "../../src/hooks/type-check";
import { startApiServer, status, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";
import { callHook, member, runFederation } from "../helpers/mocks";

const widget = knownTypes([{ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true }]).filter((t) => t.enabledHere);
const servers: TestApiServer[] = [];

/** Calls a hook once the (asynchronous) registration of it has reached the mocked engine. */
async function call(hook: string, args: Parameters<typeof callHook>[1]): Promise<string | undefined> {
    for (let i = 0; ; i++) {
        try {
            return await callHook(hook, args);
        } catch (e) {
            if (i > 50 || !String(e).includes("no hook")) throw e;
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
    }
}
afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A member that serves example.com/v1 with these resources (none: the group version is unknown, 404). */
async function memberServing(resources: string[] | undefined) {
    const server = await startApiServer((req) =>
        req.path === "/apis/example.com/v1" && resources ? { status: 200, body: { kind: "APIResourceList", resources: resources.map((name) => ({ name })) } } : status(404, "the server could not find the requested resource"),
    );
    servers.push(server);
    return { clusterName: "m", userName: "m-host", server: server.url, caPem: TEST_APISERVER_CA, token: "federation-token" };
}

test("a member without the type's CRD fails the FederatedTypeConfig's create, naming it; members that serve it pass", async () => {
    await runFederation({ clusters: [member("member1")] }); // the mocked engine, for the hook's registration
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    const accesses = [await memberServing(["widgets", "widgets/status"]), await memberServing(undefined), await memberServing(["gadgets"])];
    typeCheckHook("t", widget, pulumi.output(accesses), ["member1", "member2", "member3"], log);
    const error = await call("t-check-federated-type", { resourceName: "fed/types/widgets.example.com", newInputs: { spec: { targetType: { group: "example.com", kind: "Widget" } } } });
    expect(error).toContain("federatedTypes example.com/v1 Widget is not served by every member");
    expect(error).toContain('member "member2": it does not serve example.com/v1 (is the CRD of widgets.example.com installed there?)');
    expect(error).toContain('member "member3": it serves example.com/v1 but not widgets');
    expect(error).not.toContain('"member1"');
    expect(servers[0].requests[0].headers.authorization).toBe("Bearer federation-token");

    const all = [await memberServing(["widgets"])];
    typeCheckHook("u", widget, pulumi.output(all), ["member1"], log);
    expect(await call("u-check-federated-type", { resourceName: "x", newInputs: { spec: { targetType: { group: "example.com", kind: "Widget" } } } })).toBeUndefined();
    expect(warnings).toEqual([]);
});

test("a member that cannot be asked is a warning, not a failure (KubeFed's own verdict stands)", async () => {
    await runFederation({ clusters: [member("member1")] });
    const warnings: string[] = [];
    typeCheckHook("v", widget, pulumi.output([{ clusterName: "m", userName: "u", server: "https://127.0.0.1:1", token: "t" }]), ["member1"], { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined });
    expect(await call("v-check-federated-type", { resourceName: "x", newInputs: { spec: { targetType: { group: "example.com", kind: "Widget" } } } })).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^federatedTypes example.com\/v1 Widget: could not check that member "member1" serves it \(member "member1": GET https:\/\/127.0.0.1:1\/apis\/example.com\/v1: connect ECONNREFUSED/)]);
});

test("the component binds the check to the FederatedTypeConfig of each type it enables, which comes after every KubeFedCluster", async () => {
    const run = await runFederation({ clusters: [member("member1")], federatedTypes: [{ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true }] });
    const config = run.children.find((r) => r.type === "kubernetes:core.kubefed.io/v1beta1:FederatedTypeConfig")!;
    expect(config.beforeUpdateHooks).toEqual(["fed-check-federated-type"]);
    const kubeFedCluster = run.children.find((r) => r.type === "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster")!;
    expect(config.dependencies).toContain(kubeFedCluster.urn);
});
