// The `kubefed` provider plugin: lets programs in any Pulumi language construct the TypeScript
// KubefedFederation. Their SDKs are generated from schema.json; the engine calls `construct`
// here, in a Node.js process of its own (see provider/pulumi-resource-kubefed).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { KubefedFederationArgs, MemberClusterArgs } from "./args";
import { KubefedFederation, KUBEFED_FEDERATION_TYPE } from "./component";

const PACKAGE_ROOT = path.join(__dirname, "..");

/** The value of an input the component needs plain; the engine may send it as an output. */
async function plain<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
    // `promise()` is the SDK's own way to read an output's value, known or not; `apply` would
    // never run for an unknown value.
    return pulumi.Output.isInstance(value) ? ((value as unknown as { promise(): Promise<T> }).promise()) : (value as T | undefined);
}

/** The args as the component takes them: plain where the schema says plain, inputs elsewhere. */
export async function componentArgs(inputs: pulumi.Inputs): Promise<KubefedFederationArgs> {
    const args: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(inputs)) {
        args[key] = await plain(value);
    }
    const clusters = (args.clusters as Record<string, pulumi.Input<unknown>>[] | undefined) ?? [];
    args.clusters = await Promise.all(
        clusters.map(async (member) => {
            const result: Record<string, unknown> = {};
            for (const [key, value] of Object.entries(member)) {
                // kubeconfig, apiEndpoint and caBundle are inputs; the rest is plain.
                result[key] = ["kubeconfig", "apiEndpoint", "caBundle"].includes(key) ? value : await plain(value);
            }
            return result as unknown as MemberClusterArgs;
        }),
    );
    return args as unknown as KubefedFederationArgs;
}

export class KubefedProvider implements provider.Provider {
    readonly version: string;
    readonly schema: string;

    constructor() {
        this.version = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")).version;
        this.schema = fs.readFileSync(path.join(PACKAGE_ROOT, "schema.json"), "utf8");
    }

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        if (type !== KUBEFED_FEDERATION_TYPE) {
            throw new Error(`unknown resource type ${type}`);
        }
        const federation = new KubefedFederation(name, await componentArgs(inputs), options);
        return { urn: federation.urn, state: { clusterNames: federation.clusterNames, clusters: federation.clusters } };
    }
}

if (require.main === module) {
    provider.main(new KubefedProvider(), process.argv.slice(2));
}
