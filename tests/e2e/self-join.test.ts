// End to end: the host joins itself as a member, and leaves again without harming KubeFed.
import { Stack } from "@pulumi/pulumi/automation";
import { environment, federationStack, kubectl, kubeFedClusterReady, upAndReadOutputs, removeStacks } from "../helpers/e2e";

jest.setTimeout(10 * 60 * 1000);

const stackName = `self-join-${Date.now()}`;
let stack: Stack;

afterAll(() => removeStacks([stack]));

test("the host joins itself: its KubeFed namespace is left alone, on join and on removal", async () => {
    const ns = environment().kubefedNamespace;
    const namespaceUid = () => kubectl("host", ["get", "namespace", ns, "-o", "jsonpath={.metadata.uid}"]);
    const before = namespaceUid();

    stack = await federationStack(stackName, [{ name: "host" }]);
    const outputs = await upAndReadOutputs(stack);
    expect(outputs.clusters.host).toMatchObject({ serviceAccountName: "host-host", secretName: "host-host-token", ready: true });
    expect(kubeFedClusterReady("host")).toBe(true);

    await stack.destroy();
    // The same namespace (not deleted and re-created), and KubeFed still answers in it.
    expect(namespaceUid()).toBe(before);
    expect(kubectl("host", ["get", "kubefedconfig", "kubefed", "-n", ns, "-o", "name"]).trim()).toBe("kubefedconfig.core.kubefed.io/kubefed");
    expect(kubectl("host", ["get", "kubefedclusters.core.kubefed.io", "host", "-n", ns, "--ignore-not-found", "-o", "name"]).trim()).toBe("");
});
