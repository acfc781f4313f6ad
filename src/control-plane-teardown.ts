// Uninstalling KubeFed as its chart's README says: first delete every FederatedTypeConfig while the
// controller still runs (it stops the type's sync controller and removes its finalizer), then
// uninstall the release. Helm alone deletes the FederatedTypeConfigs and the controller at once, and
// what the controller has not processed by then keeps its finalizer for good.
//
// Run by the provider plugin when the control plane's ControlPlaneTeardown resource is deleted
// (control-plane-teardown-resource.ts), which destroy does before the release. No Pulumi here.
import { KubeApi, unlessNotFound } from "./kubeapi";
import { sleep } from "./objects";

export interface TypeConfigTeardownOptions {
    /** How long the controller is given to process the deletions. */
    waitSeconds: number;
    pollSeconds: number;
    info(message: string): void | Promise<void>;
    warn(message: string): void | Promise<void>;
}

const typeConfigs = (namespace: string) => `/apis/core.kubefed.io/v1beta1/namespaces/${namespace}/federatedtypeconfigs`;

async function remaining(host: KubeApi, namespace: string): Promise<string[]> {
    const list = await unlessNotFound(host.request<{ items: { metadata: { name: string } }[] }>("GET", typeConfigs(namespace)), { items: [] });
    return list.items.map((item) => item.metadata.name).sort();
}

/**
 * Deletes the FederatedTypeConfigs of `namespace` and waits for the KubeFed controller to let them
 * go. Those it has not let go in time (no controller runs) lose KubeFed's finalizer here, with a
 * warning naming them: nothing would ever remove it.
 */
export async function deleteTypeConfigs(host: KubeApi, namespace: string, options: TypeConfigTeardownOptions): Promise<void> {
    const names = await remaining(host, namespace);
    if (names.length === 0) {
        return;
    }
    await options.info(`deleting the ${names.length} FederatedTypeConfigs of ${namespace} while the KubeFed controller runs, before its release is uninstalled`);
    for (const name of names) {
        await unlessNotFound(host.request("DELETE", `${typeConfigs(namespace)}/${name}`), undefined);
    }
    const deadline = Date.now() + options.waitSeconds * 1000;
    let left = await remaining(host, namespace);
    while (left.length > 0 && Date.now() < deadline) {
        await sleep(options.pollSeconds);
        left = await remaining(host, namespace);
    }
    if (left.length === 0) {
        return;
    }
    await options.warn(
        `the KubeFed controller did not process the deletion of ${left.length} FederatedTypeConfigs of ${namespace} within ${options.waitSeconds} s (${left.join(", ")}): ` +
            `their finalizer is removed so that they go (is the controller running?)`,
    );
    for (const name of left) {
        await unlessNotFound(host.request("PATCH", `${typeConfigs(namespace)}/${name}`, { metadata: { finalizers: null } }), undefined);
    }
}
