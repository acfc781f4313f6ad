// Generates schema.json, the Pulumi package schema of KubefedFederation, from the TypeScript
// interfaces in src/args.ts, so that the two cannot drift. `npm run schema` writes it; the unit
// suite fails when the committed schema.json differs from what this generates.
//
// Mapping: `pulumi.Input<T>` is an input; any other property type is plain. JSDoc text becomes
// the description; the tag `@secret` marks a credential, `@integer` a whole number. A type alias
// that is a union of string literals becomes an enum type (SDKs get an enum of its values).
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..");
export const SCHEMA_FILE = path.join(ROOT, "schema.json");
const ARGS_FILE = path.join(ROOT, "src", "args.ts");
const COMPONENT_FILE = path.join(ROOT, "src", "component.ts");
const CONTROL_PLANE_FILE = path.join(ROOT, "src", "control-plane.ts");
const TYPE_TOKEN = "kubefed:index:KubefedFederation";
const CONTROL_PLANE_TOKEN = "kubefed:index:KubefedControlPlane";

type SchemaProperty = Record<string, unknown>;

/** Schema type names: interface names without the `Args` suffix, which SDKs add back for inputs. */
function typeName(interfaceName: string): string {
    return interfaceName.replace(/Args$/, "");
}

function typeRef(interfaceName: string): string {
    return `#/types/kubefed:index:${typeName(interfaceName)}`;
}

function docOf(node: ts.Node, source: ts.SourceFile): { description?: string; tags: Set<string> } {
    const jsDoc = (node as { jsDoc?: ts.JSDoc[] }).jsDoc?.[0];
    if (!jsDoc) {
        return { tags: new Set() };
    }
    const comment = typeof jsDoc.comment === "string" ? jsDoc.comment : ts.getTextOfJSDocComment(jsDoc.comment);
    return { description: comment?.replace(/\s*\n\s*/g, " ").trim(), tags: new Set((jsDoc.tags ?? []).map((t) => t.tagName.getText(source))) };
}

/** The values of a type alias that is a union of string literals; undefined for any other alias. */
function stringLiterals(alias: ts.TypeAliasDeclaration): string[] | undefined {
    const members = ts.isUnionTypeNode(alias.type) ? alias.type.types : [alias.type];
    const values = members.map((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : undefined));
    return values.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

/** The enum type of a string-literal union. SDKs name each value after it ("*" becomes ASTERISK in Python). */
function enumType(alias: ts.TypeAliasDeclaration, values: string[], source: ts.SourceFile): Record<string, unknown> {
    const { description } = docOf(alias, source);
    return { type: "string", ...(description ? { description } : {}), enum: values.map((value) => ({ value })) };
}

/** The JSDoc of a component class, and of its public readonly Output properties (its outputs). */
function classDocs(file: string, className: string): { description?: string; outputs: Map<string, string | undefined> } {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    let description: string | undefined;
    const outputs = new Map<string, string | undefined>();
    source.forEachChild((node) => {
        if (ts.isClassDeclaration(node) && node.name?.text === className) {
            description = docOf(node, source).description;
            for (const member of node.members) {
                if (ts.isPropertyDeclaration(member) && member.type?.getText(source).startsWith("pulumi.Output<")) {
                    outputs.set(member.name.getText(source), docOf(member, source).description);
                }
            }
        }
    });
    return { description, outputs };
}

/** The types of outputs only. */
const OUTPUT_TYPES = ["ClusterDescription", "ResourcePropagation", "MemberPropagation"];

export function generateSchema(): Record<string, unknown> {
    const source = ts.createSourceFile(ARGS_FILE, fs.readFileSync(ARGS_FILE, "utf8"), ts.ScriptTarget.ES2022, true);
    const interfaces = new Map<string, ts.InterfaceDeclaration>();
    const enums = new Map<string, { alias: ts.TypeAliasDeclaration; values: string[] }>();
    source.forEachChild((node) => {
        if (ts.isInterfaceDeclaration(node)) {
            interfaces.set(node.name.text, node);
        }
        const values = ts.isTypeAliasDeclaration(node) ? stringLiterals(node) : undefined;
        if (ts.isTypeAliasDeclaration(node) && values) {
            enums.set(node.name.text, { alias: node, values });
        }
    });
    const referenced = new Set<string>();
    const referencedEnums = new Set<string>();
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    // package.json takes a range of @pulumi/kubernetes; a schema $ref names one version: the tested
    // one, which the lock file pins (the kubernetes plugin of that version serves the schema).
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    const kubernetesVersion: string = lock.packages["node_modules/@pulumi/kubernetes"].version;

    /** The schema of a property type; `input` tells whether it was wrapped in pulumi.Input. */
    function schemaOf(type: ts.TypeNode, tags: Set<string>): { schema: SchemaProperty; input: boolean } {
        if (tags.has("any") || type.kind === ts.SyntaxKind.AnyKeyword) {
            // Any value: a Kubernetes object (`@any` on its property), a patch's value.
            return { schema: { $ref: "pulumi.json#/Any" }, input: true };
        }
        if (ts.isTypeReferenceNode(type) && type.typeName.getText(source) === "pulumi.Input") {
            return { schema: schemaOf(type.typeArguments![0], tags).schema, input: true };
        }
        if (ts.isArrayTypeNode(type)) {
            return { schema: { type: "array", items: schemaOf(type.elementType, tags).schema }, input: false };
        }
        if (ts.isTypeLiteralNode(type) && type.members.length === 1 && ts.isIndexSignatureDeclaration(type.members[0])) {
            return { schema: { type: "object", additionalProperties: schemaOf(type.members[0].type, new Set()).schema }, input: false };
        }
        const kubernetesType = ts.isTypeReferenceNode(type) && /^k8s\.types\.(?:input|output)\.(\w+)\.(\w+)\.(\w+)$/.exec(type.typeName.getText(source));
        if (kubernetesType) {
            // A type of the kubernetes package, at the tested version.
            const [, group, version, kind] = kubernetesType;
            return { schema: { $ref: `/kubernetes/v${kubernetesVersion}/schema.json#/types/kubernetes:${group}/${version}:${kind}` }, input: false };
        }
        if (ts.isTypeReferenceNode(type) && type.typeName.getText(source) === "k8s.Provider") {
            // A kubernetes provider resource, passed by reference.
            return { schema: { $ref: `/kubernetes/v${kubernetesVersion}/schema.json#/provider` }, input: false };
        }
        if (ts.isTypeReferenceNode(type) && type.typeName.getText(source) === "ControlPlaneReference") {
            // A KubefedControlPlane, passed by reference.
            return { schema: { $ref: `#/resources/${CONTROL_PLANE_TOKEN}` }, input: false };
        }
        if (ts.isTypeReferenceNode(type) && enums.has(type.typeName.getText(source))) {
            referencedEnums.add(type.typeName.getText(source));
            return { schema: { $ref: `#/types/kubefed:index:${type.typeName.getText(source)}` }, input: false };
        }
        if (ts.isTypeReferenceNode(type) && interfaces.has(type.typeName.getText(source))) {
            referenced.add(type.typeName.getText(source));
            return { schema: { $ref: typeRef(type.typeName.getText(source)) }, input: false };
        }
        switch (type.kind) {
            case ts.SyntaxKind.StringKeyword:
                return { schema: { type: "string" }, input: false };
            case ts.SyntaxKind.BooleanKeyword:
                return { schema: { type: "boolean" }, input: false };
            case ts.SyntaxKind.NumberKeyword:
                return { schema: { type: tags.has("integer") ? "integer" : "number" }, input: false };
        }
        throw new Error(`schema: no mapping for the type ${type.getText(source)} (no union types but of string literals: other languages cannot express them)`);
    }

    /** Properties of an interface; plain ones are marked plain when `markPlain` (inputs only). */
    function propertiesOf(name: string, markPlain: boolean): { properties: Record<string, SchemaProperty>; required: string[] } {
        const properties: Record<string, SchemaProperty> = {};
        const required: string[] = [];
        for (const member of interfaces.get(name)!.members) {
            if (!ts.isPropertySignature(member) || !member.type) {
                continue;
            }
            const key = member.name.getText(source);
            const { description, tags } = docOf(member, source);
            const { schema, input } = schemaOf(member.type, tags);
            properties[key] = {
                ...schema,
                ...(description ? { description } : {}),
                ...(tags.has("secret") ? { secret: true } : {}),
                ...(markPlain && !input ? { plain: true } : {}),
            };
            if (!member.questionToken) {
                required.push(key);
            }
        }
        return { properties, required };
    }

    const inputs = propertiesOf("KubefedFederationArgs", true);
    const outputs = {
        properties: {
            clusterNames: { type: "array", items: { type: "string" }, description: "The members' names, sorted: `kubefed list`." },
            clusters: {
                type: "object",
                additionalProperties: { $ref: typeRef("ClusterDescription") },
                description: "Per member, what `kubefed describe` shows. Contains no credentials.",
            },
            propagation: {
                type: "object",
                additionalProperties: { $ref: typeRef("ResourcePropagation") },
                description:
                    "Per federated resource and workload (`<kind>/<namespace>/<name>`, `<kind>/<name>` when cluster-scoped), per placed member: whether KubeFed has propagated it, and when not, KubeFed's reason.",
            },
        },
        required: ["clusterNames", "clusters", "propagation"],
    };
    referenced.add("ClusterDescription");
    referenced.add("ResourcePropagation");

    const controlPlaneInputs = propertiesOf("KubefedControlPlaneArgs", true);
    const controlPlaneDocs = classDocs(CONTROL_PLANE_FILE, "KubefedControlPlane");
    const outputTypes: Record<string, SchemaProperty> = {
        namespace: { type: "string" },
        scope: { type: "string" },
        chartVersion: { type: "string" },
        revision: { type: "integer" },
        controllerAvailable: { type: "boolean" },
        webhookAvailable: { type: "boolean" },
    };
    const controlPlaneOutputs = Object.fromEntries(
        [...controlPlaneDocs.outputs].map(([key, description]) => {
            if (!outputTypes[key]) {
                throw new Error(`schema: no type for the output ${key} of KubefedControlPlane`);
            }
            return [key, { ...outputTypes[key], ...(description ? { description } : {}) }];
        }),
    );

    // Object types: everything reachable from the inputs and outputs (inputs' types keep `plain`).
    const types: Record<string, unknown> = {};
    const pending = [...referenced];
    while (pending.length > 0) {
        const name = pending.shift()!;
        if (types[`kubefed:index:${typeName(name)}`]) {
            continue;
        }
        const before = new Set(referenced);
        // Output types carry no `plain` marks.
        const { properties, required } = propertiesOf(name, !OUTPUT_TYPES.includes(name));
        const { description } = docOf(interfaces.get(name)!, source);
        types[`kubefed:index:${typeName(name)}`] = { type: "object", ...(description ? { description } : {}), properties, required };
        pending.push(...[...referenced].filter((r) => !before.has(r)));
    }
    for (const name of referencedEnums) {
        const { alias, values } = enums.get(name)!;
        types[`kubefed:index:${name}`] = enumType(alias, values, source);
    }

    return {
        name: "kubefed",
        displayName: "KubeFed",
        version: pkg.version,
        // Where a release publishes the plugin archives (`npm run package`): the GitHub release
        // v<version> of kubefed-iac/pulumi-kubefed. SDKs fetch the plugin from there when it is not installed.
        pluginDownloadURL: "github://api.github.com/kubefed-iac",
        description: pkg.description,
        keywords: pkg.keywords,
        license: pkg.license,
        resources: {
            [TYPE_TOKEN]: {
                isComponent: true,
                description: classDocs(COMPONENT_FILE, "KubefedFederation").description,
                inputProperties: inputs.properties,
                requiredInputs: inputs.required,
                ...outputs,
            },
            [CONTROL_PLANE_TOKEN]: {
                isComponent: true,
                description: controlPlaneDocs.description,
                inputProperties: controlPlaneInputs.properties,
                requiredInputs: controlPlaneInputs.required,
                properties: controlPlaneOutputs,
                required: Object.keys(controlPlaneOutputs),
            },
        },
        types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
        language: {
            nodejs: { packageName: pkg.name, dependencies: { "@pulumi/kubernetes": pkg.dependencies["@pulumi/kubernetes"] } },
            // respectSchemaVersion: the SDK (and its wheel) carries the package's version.
            python: { packageName: "pulumi_kubefed", respectSchemaVersion: true, requires: { pulumi: ">=3.190.0,<4.0.0" } },
            // The Go SDK's package path, as a release would publish it (scripts/check-go-sdk.sh builds it).
            go: { importBasePath: "github.com/kubefed-iac/pulumi-kubefed/sdk/go/kubefed" },
        },
    };
}

if (require.main === module) {
    fs.writeFileSync(SCHEMA_FILE, JSON.stringify(generateSchema(), null, 2) + "\n");
    console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
