// The `kubefed` provider plugin: lets programs in any Pulumi language construct the TypeScript
// KubefedFederation and KubefedControlPlane. Their SDKs are generated from schema.json; the engine calls `construct`
// here, in a Node.js process of its own (see provider/pulumi-resource-kubefed). It also serves the
// one custom resource the component registers, in every language (teardown-resource.ts).
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { isRpcSecret, unwrapRpcSecret } from "@pulumi/pulumi/runtime";
import { ControlPlaneReference, FederatedResourceArgs, FederationScope, KubefedControlPlaneArgs, KubefedFederationArgs } from "./args";
import { KubefedFederation, KUBEFED_FEDERATION_TYPE } from "./component";
import { KubefedControlPlane, KUBEFED_CONTROL_PLANE_TYPE } from "./control-plane";
import { valueOf } from "./hooks/log";
import { engineAddress, engineLog } from "./engine-log";
import { packageVersion, schemaText } from "./package-files";
import { CONTROL_PLANE_TEARDOWN_TYPE, controlPlaneTeardownProvider } from "./control-plane-teardown-resource";
import { UNREACHABLE_MEMBER_RELEASE_TYPE, unreachableMemberReleaseProvider } from "./teardown-resource";

interface SchemaProperty {
    plain?: boolean;
    $ref?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
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

/** Whether a value came as a secret: an output marked secret (or, in the older wire form, a secret value). */
async function isSecretValue(value: unknown): Promise<boolean> {
    return pulumi.Output.isInstance(value) ? pulumi.isSecret(value) : isRpcSecret(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The paths of the secrets in a value of a plain property, at any depth (`clusters[0].proxyURL`). */
async function secretsIn(value: unknown, property: SchemaProperty, schema: PackageSchema, where: string): Promise<string[]> {
    if (await isSecretValue(value)) {
        return [where];
    }
    const plainValue = unwrapRpcSecret(await valueOf(value));
    const objectProperties = property.$ref ? schema.types[property.$ref.replace("#/types/", "")]?.properties : undefined;
    if (objectProperties && isRecord(plainValue)) {
        return secretsInPlainProperties(plainValue, objectProperties, schema, `${where}.`);
    }
    const nested: [unknown, SchemaProperty | undefined, string][] = Array.isArray(plainValue)
        ? plainValue.map((item, i) => [item, property.items, `${where}[${i}]`])
        : isRecord(plainValue)
          ? Object.entries(plainValue).map(([key, item]) => [item, property.additionalProperties, `${where}.${key}`])
          : [];
    return (await Promise.all(nested.map(([item, itemProperty, at]) => (itemProperty ? secretsIn(item, itemProperty, schema, at) : [])))).flat();
}

/** The paths of the secrets in the properties the schema marks plain; inputs keep their secretness and are not searched. */
async function secretsInPlainProperties(value: Record<string, unknown>, properties: { [name: string]: SchemaProperty }, schema: PackageSchema, prefix = ""): Promise<string[]> {
    const found: string[] = [];
    for (const [key, input] of Object.entries(value)) {
        const property = properties[key];
        if (property?.plain) {
            found.push(...(await secretsIn(input, property, schema, prefix + key)));
        }
    }
    return found;
}

/**
 * The args as the component takes them: plain where the schema says plain, inputs elsewhere.
 * Refuses secrets where the schema says plain: a plain value has no secretness, so the component
 * would store them (in its children's inputs, in state) in plain text. SDKs let a program pass a
 * secret anywhere; the properties the schema keeps as inputs are passed on as they came.
 */
export async function componentArgs(inputs: pulumi.Inputs, schema: PackageSchema): Promise<KubefedFederationArgs> {
    const args = (await plainArgs(KUBEFED_FEDERATION_TYPE, inputs, schema)) as unknown as KubefedFederationArgs;
    if (Array.isArray(args.resources)) {
        args.resources = await Promise.all(args.resources.map(async (r) => ({ ...r, object: await plainObject(r.object) })));
    }
    if (typeof args.controlPlane === "string") {
        args.controlPlane = (await controlPlaneReference(args.controlPlane)) as ControlPlaneReference;
    }
    return args;
}

/** KubefedControlPlaneArgs as the component takes them (see componentArgs). */
export async function controlPlaneArgs(inputs: pulumi.Inputs, schema: PackageSchema): Promise<KubefedControlPlaneArgs> {
    return (await plainArgs(KUBEFED_CONTROL_PLANE_TYPE, inputs, schema)) as KubefedControlPlaneArgs;
}

async function plainArgs(type: string, inputs: pulumi.Inputs, schema: PackageSchema): Promise<Record<string, unknown>> {
    const properties = schema.resources[type].inputProperties;
    const secrets = await secretsInPlainProperties(inputs, properties, schema);
    if (secrets.length > 0) {
        const component = type.split(":").pop();
        const [fields, are, them, values] = secrets.length === 1 ? [secrets[0], "is a secret", "it", "a plain value"] : [`${secrets.slice(0, -1).join(", ")} and ${secrets[secrets.length - 1]}`, "are secrets", "them", "plain values"];
        throw new Error(`${fields} ${are}, but ${component} stores ${them} in plain text (only the kubeconfigs, hostKubeconfig and each member's kubeconfig, are kept secret): pass ${them} as ${values}`);
    }
    return plainWhereSchemaSays(inputs, properties, schema);
}

/**
 * A KubefedControlPlane passed by reference (its URN: the plugin registers no resource module, so
 * a reference arrives as one): the namespace and scope it registered as outputs, read from the
 * engine (it has constructed the control plane before it constructs what refers to it), and the
 * resource to depend on. Any other URN is left for validation to refuse.
 */
async function controlPlaneReference(urn: string): Promise<ControlPlaneReference | string> {
    if (!urn.startsWith("urn:pulumi:") || typeOf(urn) !== KUBEFED_CONTROL_PLANE_TYPE) {
        return urn;
    }
    const { state } = (await pulumi.runtime.invoke("pulumi:pulumi:getResource", { urn })) as { state?: { namespace?: unknown; scope?: unknown } };
    const kubefedNamespace = unwrapRpcSecret(state?.namespace);
    const scope = unwrapRpcSecret(state?.scope);
    if (typeof kubefedNamespace !== "string" || typeof scope !== "string") {
        throw new Error(`controlPlane ${urn}: the control plane has no namespace and scope yet`);
    }
    return { controlPlaneReference: { kubefedNamespace, scope: scope as FederationScope, resource: new pulumi.DependencyResource(urn) } };
}

/**
 * A resource's `object` as the component reads it: what names it (apiVersion, kind, name,
 * namespace) plain, the rest as it came. An object that arrives as a secret output as a whole (a
 * secret somewhere inside: the wire cannot say where) keeps every field but those names secret.
 */
async function plainObject(object: unknown): Promise<FederatedResourceArgs["object"]> {
    if (!pulumi.Output.isInstance(object)) {
        return object as FederatedResourceArgs["object"];
    }
    const secret = await pulumi.isSecret(object);
    const value = unwrapRpcSecret(await valueOf(object)) as FederatedResourceArgs["object"];
    if (!isRecord(value) || !secret) {
        return value;
    }
    const { apiVersion, kind, metadata, ...rest } = value;
    const { name, namespace, ...labelled } = isRecord(metadata) ? (metadata as FederatedResourceArgs["object"]["metadata"]) : ({} as FederatedResourceArgs["object"]["metadata"]);
    const hidden = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, pulumi.secret(v)]));
    return { apiVersion, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }), ...hidden(labelled) }, ...hidden(rest) };
}

/** The resource type in a URN: `urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`. */
function typeOf(urn: string): string {
    return urn.split("::")[2].split("$").pop()!;
}

export class KubefedProvider implements provider.Provider {
    readonly version: string;
    readonly schema: string;
    private readonly release: ReturnType<typeof unreachableMemberReleaseProvider>;
    private readonly teardown: ReturnType<typeof controlPlaneTeardownProvider>;

    /** `args`: the plugin's arguments, where the engine's address is (none in tests: logs go to stderr). */
    constructor(args: string[] = []) {
        this.version = packageVersion();
        this.schema = schemaText();
        const log = engineLog(engineAddress(args));
        this.release = unreachableMemberReleaseProvider(log);
        this.teardown = controlPlaneTeardownProvider(log);
    }

    /** The provider of the custom resource `urn` names; an error for any other type. */
    private customResource(urn: string) {
        switch (typeOf(urn)) {
            case UNREACHABLE_MEMBER_RELEASE_TYPE:
                return this.release;
            case CONTROL_PLANE_TEARDOWN_TYPE:
                return this.teardown;
        }
        throw new Error(`unknown resource type ${typeOf(urn)}`);
    }

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        if (type === KUBEFED_CONTROL_PLANE_TYPE) {
            const cp = new KubefedControlPlane(name, await controlPlaneArgs(inputs, JSON.parse(this.schema)), options);
            const { namespace, scope, chartVersion, revision, controllerAvailable, webhookAvailable } = cp;
            return { urn: cp.urn, state: { namespace, scope, chartVersion, revision, controllerAvailable, webhookAvailable } };
        }
        if (type !== KUBEFED_FEDERATION_TYPE) {
            throw new Error(`unknown resource type ${type}`);
        }
        const federation = new KubefedFederation(name, await componentArgs(inputs, JSON.parse(this.schema)), options);
        return { urn: federation.urn, state: { clusterNames: federation.clusterNames, clusters: federation.clusters, propagation: federation.propagation } };
    }

    check = async (urn: string, olds: any, news: any) => this.customResource(urn).check(urn, olds, news);
    diff = async (id: string, urn: string, olds: any, news: any) => this.customResource(urn).diff(id, urn, olds, news);
    create = async (urn: string, inputs: any) => this.customResource(urn).create(urn, inputs);
    read = async (id: string, urn: string, props?: any) => this.customResource(urn).read(id, urn, props);
    update = async (id: string, urn: string, olds: any, news: any) => this.customResource(urn).update(id, urn, olds, news);
    delete = async (id: string, urn: string, props: any) => this.customResource(urn).delete(id, urn, props);
}

if (require.main === module) {
    provider.main(new KubefedProvider(process.argv.slice(2)), process.argv.slice(2));
}
