// Validation of `resources` and `federatedTypes`: every problem, one line each naming the
// resource (`<kind>/<namespace>/<name>`) or the type; validate.ts gathers them with the rest into
// one error before anything is registered. Pure.
import { FederatedResourceArgs, FederatedTypeArgs } from "./args";
import { apiVersionOf, DEFAULT_TYPES, FederatedType, typeOf } from "./federated-types";
import { PlacementMember, placedMembers } from "./placement";
import { echo } from "./redact";
import { resourceKey } from "./resources";
import { isDNS1123Label, isDNS1123Subdomain, isPlainObject, placementProblems } from "./validate";

const KIND = /^[A-Z][A-Za-z0-9]*$/;
const VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const OPS = ["add", "remove", "replace"];

/** Whether `path` is a JSON pointer (RFC 6901) that points into the object: "/a/b", "~0" and "~1" the only escapes. */
export function isJSONPointer(path: unknown): boolean {
    return typeof path === "string" && path.length > 1 && path.startsWith("/") && !/~[^01]|~$/.test(path);
}

/** The problems of `federatedTypes`; the types themselves when they are valid. */
export function federatedTypeProblems(types: unknown): string[] {
    if (types === undefined) return [];
    if (!Array.isArray(types)) return ["federatedTypes must be a plain array of types"];
    const problems: string[] = [];
    const seen = new Set<string>();
    types.forEach((t: FederatedTypeArgs, i) => {
        const who = isPlainObject(t) && typeof t.kind === "string" ? `federatedTypes ${echo(`${t.group}/${t.kind}`)}` : `federatedTypes[${i}]`;
        const add = (p: string) => problems.push(`${who}: ${p}`);
        if (!isPlainObject(t)) {
            add("must be an object with group, version, kind, plural and namespaced");
            return;
        }
        if (typeof t.group !== "string" || (t.group !== "" && !isDNS1123Subdomain(t.group))) add(`group ${echo(t.group)} is not an API group (a DNS subdomain, or "" for the core group)`);
        if (typeof t.version !== "string" || !VERSION.test(t.version)) add(`version ${echo(t.version)} is not an API version (v1, v1beta1, v2alpha1, ...)`);
        if (typeof t.kind !== "string" || !KIND.test(t.kind)) add(`kind ${echo(t.kind)} is not a kind (an upper-case letter, then letters and digits)`);
        if (!isDNS1123Label(t.plural)) add(`plural ${echo(t.plural)} is not a resource name (a DNS-1123 label, e.g. "widgets")`);
        if (typeof t.namespaced !== "boolean") add("namespaced must be true or false");
        if (DEFAULT_TYPES.some((d) => d.group === t.group && d.kind === t.kind) || (t.group === "" && t.kind === "Namespace")) {
            add("is enabled by KubeFed's chart already (or, for Namespace, by the component): leave it out");
        }
        const key = `${t.group}/${t.kind}`;
        if (seen.has(key)) add("is listed more than once");
        seen.add(key);
    });
    return problems;
}

export interface ResourceContext {
    members: PlacementMember[];
    types: FederatedType[];
    kubefedNamespace: string;
    namespacedScope: boolean;
    /** `Deployment/<namespace>/<name>` of each workload: a resource may not be one of them too. */
    workloadKeys: Set<string>;
}

/** The problems of one override rule, among the members its resource is placed on. */
function ruleProblems(rule: unknown, placed: PlacementMember[], add: (p: string) => void): void {
    if (!isPlainObject(rule)) {
        add("must be an object with clusters or clusterSelector, and patches");
        return;
    }
    if (rule.clusters === undefined && rule.clusterSelector === undefined) {
        add("names no member: give clusters or clusterSelector");
    }
    placementProblems(rule, placed, { target: "the rule would apply to no member", among: "a member this resource is placed on" }, add);
    if (!Array.isArray(rule.patches) || rule.patches.length === 0) {
        add("patches must list at least one patch");
        return;
    }
    rule.patches.forEach((patch: unknown, j: number) => {
        const at = (p: string) => add(`patches[${j}]: ${p}`);
        if (!isPlainObject(patch)) {
            at("must be an object with path, op and value");
            return;
        }
        if (!isJSONPointer(patch.path)) at(`path ${echo(patch.path)} is not a JSON pointer into the object (e.g. "/spec/replicas"; "~1" for "/" and "~0" for "~" in a key)`);
        const op = patch.op ?? "replace";
        if (!OPS.includes(op as string)) at(`op ${echo(patch.op)} is not one of "add", "remove", "replace"`);
        else if (op !== "remove" && !("value" in patch)) at(`op "${op}" needs a value`);
        else if (op === "remove" && patch.value !== undefined) at('op "remove" takes no value');
    });
}

/** The problems of `resources`, each line naming the resource. */
export function resourceProblems(resources: unknown, context: ResourceContext): string[] {
    if (resources === undefined) return [];
    if (!Array.isArray(resources)) return ["resources must be a plain array of { object, clusters?, clusterSelector?, overrides? }"];
    const problems: string[] = [];
    const seen = new Set<string>();
    resources.forEach((resource: FederatedResourceArgs, i) => {
        const object = isPlainObject(resource) ? resource.object : undefined;
        const metadata = isPlainObject(object) && isPlainObject(object.metadata) ? object.metadata : undefined;
        const named = isPlainObject(object) && typeof object.kind === "string" && typeof metadata?.name === "string";
        const key = named ? resourceKey({ kind: object!.kind, metadata: { name: metadata!.name as string, namespace: typeof metadata!.namespace === "string" ? metadata!.namespace : undefined } }) : undefined;
        const who = key ? `resource ${echo(key)}` : `resources[${i}]`;
        const add = (p: string) => problems.push(`${who}: ${p}`);
        if (!isPlainObject(resource) || !isPlainObject(object)) {
            add("must be an object with an object (apiVersion, kind, metadata.name) to federate");
            return;
        }
        if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
            add("object needs apiVersion and kind (plain strings)");
            return;
        }
        const type = typeOf(context.types, object.apiVersion, object.kind);
        if (object.kind === "Namespace" && object.apiVersion === "v1") {
            add("a Namespace is federated by the component itself, for each namespace its resources and workloads use; leave it out");
            return;
        }
        if (!type) {
            const sameKind = context.types.filter((t) => t.kind === object.kind).map((t) => apiVersionOf(t));
            add(
                sameKind.length > 0
                    ? `apiVersion ${echo(object.apiVersion)} of kind ${object.kind} is not the one federated (${sameKind.join(", ")})`
                    : `kind ${echo(`${object.apiVersion} ${object.kind}`)} is not federated: neither one of the types KubeFed enables (${DEFAULT_TYPES.map((t) => t.kind).join(", ")}) nor in federatedTypes`,
            );
        }
        if (!metadata || !isDNS1123Subdomain(metadata.name)) add(`metadata.name ${echo(metadata?.name)} is not a DNS-1123 subdomain`);
        const namespace = metadata?.namespace;
        if (type?.namespaced) {
            if (!isDNS1123Label(namespace)) add(`metadata.namespace ${echo(namespace)} is missing or not a DNS-1123 label (${object.kind} is namespaced)`);
            else if (namespace === context.kubefedNamespace) add(`metadata.namespace "${namespace}" is the KubeFed namespace; resources need a namespace of their own`);
        } else if (type && namespace !== undefined) {
            add(`metadata.namespace ${echo(namespace)} is given, but ${object.kind} is cluster-scoped`);
        }
        if (type && context.namespacedScope) {
            add(`resources need scope "Cluster": a KubeFed control plane of scope "Namespaced" watches only its own namespace`);
        }
        if (key) {
            if (seen.has(key)) add("is declared more than once");
            if (context.workloadKeys.has(key)) add("is also a workload of the same namespace and name");
            seen.add(key);
        }
        placementProblems(resource, context.members, { target: "the resource would be placed on no member (leave clusters out to place it on every member)", among: "a member" }, add);
        if (resource.overrides !== undefined && !Array.isArray(resource.overrides)) {
            add("overrides must be a plain array of rules");
        } else {
            const placed = placedMembers({ clusters: Array.isArray(resource.clusters) ? resource.clusters : undefined, clusterSelector: isPlainObject(resource.clusterSelector) ? resource.clusterSelector : undefined }, context.members);
            (resource.overrides ?? []).forEach((rule, j) => ruleProblems(rule, placed, (p) => add(`overrides[${j}]: ${p}`)));
        }
    });
    return problems;
}

