// The `kubefed` provider plugin: lets programs in any Pulumi language construct the TypeScript
// KubefedFederation. Their SDKs are generated from schema.json; the engine calls `construct`
// here, in a Node.js process of its own (see provider/pulumi-resource-kubefed).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { KubefedFederationArgs } from "./args";
import { KubefedFederation, KUBEFED_FEDERATION_TYPE, valueOf } from "./component";

const PACKAGE_ROOT = path.join(__dirname, "..");

interface SchemaProperty {
    plain?: boolean;
    items?: { $ref?: string };
}
interface PackageSchema {
    resources: { [token: string]: { inputProperties: { [name: string]: SchemaProperty } } };
    // Object types have properties; enum types (a string's allowed values) have none.
    types: { [token: string]: { properties?: { [name: string]: SchemaProperty } } };
}

/** Resolves the properties the schema marks plain; leaves inputs as they came. */
async function plainWhereSchemaSays(value: Record<string, unknown>, properties: { [name: string]: SchemaProperty }, schema: PackageSchema) {
    const result: Record<string, unknown> = {};
    for (const [key, input] of Object.entries(value)) {
        const property = properties[key];
        if (!property?.plain) {
            result[key] = input;
            continue;
        }
        const plainValue = await valueOf(input);
        const itemProperties = schema.types[property.items?.$ref?.replace("#/types/", "") ?? ""]?.properties;
        result[key] =
            itemProperties && Array.isArray(plainValue)
                ? await Promise.all(plainValue.map(async (item) => plainWhereSchemaSays(await valueOf(item), itemProperties, schema)))
                : plainValue;
    }
    return result;
}

/** The args as the component takes them: plain where the schema says plain, inputs elsewhere. */
export async function componentArgs(inputs: pulumi.Inputs, schema: PackageSchema): Promise<KubefedFederationArgs> {
    const properties = schema.resources[KUBEFED_FEDERATION_TYPE].inputProperties;
    return (await plainWhereSchemaSays(inputs, properties, schema)) as unknown as KubefedFederationArgs;
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
        const federation = new KubefedFederation(name, await componentArgs(inputs, JSON.parse(this.schema)), options);
        return { urn: federation.urn, state: { clusterNames: federation.clusterNames, clusters: federation.clusters } };
    }
}

if (require.main === module) {
    provider.main(new KubefedProvider(), process.argv.slice(2));
}
