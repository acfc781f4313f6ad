// What the plugin's two resources share: a custom resource of this package that holds the host's
// kubeconfig (a secret) and a few plain names, asks nothing of any cluster when it is created,
// updated or read, and acts only when it is deleted, which `pulumi destroy` runs without a program
// (UnreachableMemberRelease, teardown-resource.ts; ControlPlaneTeardown, control-plane-teardown-resource.ts).
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { unwrapRpcSecret } from "@pulumi/pulumi/runtime";
import { packageVersion, pluginDownloadURL } from "./package-files";

/** The properties and options to register such a resource with: `hostKubeconfig` kept secret, the plugin of this very package serving it. */
export function deleteOnlyRegistration(inputs: { hostKubeconfig: pulumi.Input<string> } & pulumi.Inputs, opts: pulumi.CustomResourceOptions): [pulumi.Inputs, pulumi.CustomResourceOptions] {
    return [
        { ...inputs, hostKubeconfig: pulumi.secret(inputs.hostKubeconfig) },
        // The plugin of this very package, where the engine finds or downloads it.
        { ...opts, version: packageVersion(), pluginDownloadURL: pluginDownloadURL(), additionalSecretOutputs: ["hostKubeconfig"] },
    ];
}

/**
 * Its side in the plugin: check refuses a missing or empty input; a change of any input is an
 * update; create names it `id(inputs)`; `onDelete` gets its state, secrets still wrapped.
 */
export function deleteOnlyProvider(
    inputNames: string[],
    id: (inputs: Record<string, unknown>) => string,
    onDelete: (urn: string, props: Record<string, unknown>) => Promise<void>,
): Required<Pick<provider.Provider, "check" | "diff" | "create" | "read" | "update" | "delete">> {
    return {
        async check(_urn, _olds, news) {
            const missing = inputNames.filter((key) => news[key] === undefined || unwrapRpcSecret(news[key]) === "");
            return { inputs: news, failures: missing.map((property) => ({ property, reason: `${property} is required` })) };
        },
        async diff(_id, _urn, olds, news) {
            return { changes: inputNames.some((key) => JSON.stringify(unwrapRpcSecret(olds[key])) !== JSON.stringify(unwrapRpcSecret(news[key]))) };
        },
        async create(_urn, inputs) {
            return { id: id(inputs), outs: inputs };
        },
        async read(id, _urn, props) {
            return { id, props };
        },
        async update(_id, _urn, _olds, news) {
            return { outs: news };
        },
        async delete(_id, urn, props) {
            await onDelete(urn, props);
        },
    };
}
