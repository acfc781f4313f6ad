// Validation of KubefedFederationArgs: every problem is collected, then thrown as one error,
// before the component registers anything. Pure: no Pulumi resources (hostKubeconfig's files are
// checked for existence). The rules are Go's where KubeFed or client-go read the value (see
// goparse.ts), and no problem quotes a credential (see redact.ts).
import { CustomResource, Output, Resource } from "@pulumi/pulumi";
import { ControlPlaneReference, FederatedDeploymentArgs, FederationScope, KubefedFederationArgs, MemberClusterArgs, FederatedResourceArgs } from "./args";
import { FederatedType, knownTypes, typeOf } from "./federated-types";
import { resourceKey } from "./resources";
import { federatedTypeProblems, resourceProblems } from "./validate-resources";
import { parseGoCIDR, pemCertificatesProblem, proxyURLProblem, serverURLProblem } from "./goparse";
import { hostKubeconfigProblems, inspectMemberKubeconfig } from "./kubeconfig";
import { sortedBy } from "./objects";
import { echo, truncate } from "./redact";
import { FEDERATION_LABEL, INACTIVE_PREFERENCE_SUFFIX, PlacementMember, placedMembers } from "./workloads";

// The helpers other modules (and the deploy-time checks) share.
export { parseGoCIDR, parseGoURL, pemCertificatesProblem, proxyURLProblem, serverURLProblem, urlProblem } from "./goparse";
export { hostKubeconfigProblems } from "./kubeconfig";
export { echo, redactURL } from "./redact";

/** The federation-wide settings, defaults applied. */
export interface FederationSettings {
    federationName: string;
    hostClusterName: string;
    configNamespace: string;
    kubefedNamespace: string;
    configMapName: string;
    kubeconfigSecretName: string;
    scope: FederationScope;
    waitForReady: boolean;
    readyTimeoutSeconds: number;
    propagationTimeoutSeconds: number;
    orphanWorkloadsOnUnjoin: boolean;
}

/** A member after validation, defaults applied to its plain fields. */
export type MemberSpec = Omit<MemberClusterArgs, "labels" | "replicas" | "disabledTLSValidations"> & {
    labels: { [key: string]: string };
    replicas: number;
    disabledTLSValidations: string[];
};

/** A workload after validation: the args as given (validation changes nothing in them). */
export type WorkloadSpec = FederatedDeploymentArgs;

/** A federated resource after validation: the args as given, its type and its key (`<kind>/<namespace>/<name>`). */
export type ResourceSpec = FederatedResourceArgs & { type: FederatedType; key: string };

export interface ValidatedFederation {
    settings: FederationSettings;
    /** The control plane every object of the federation is created after and deleted before. */
    controlPlane?: Resource;
    /** Sorted by key. */
    resources: ResourceSpec[];
    /** Every type the federation can federate: KubeFed's, and `federatedTypes` (`enabledHere`). */
    types: FederatedType[];
    /** Sorted by name, so that the order of `clusters` never matters. */
    members: MemberSpec[];
    /** Sorted by namespace and name. */
    workloads: WorkloadSpec[];
}

export const DEFAULTS = {
    federationName: "federation",
    hostClusterName: "host",
    configNamespace: "kube-system",
    kubefedNamespace: "kube-federation-system",
    configMapName: "kubefed-config",
    kubeconfigSecretName: "kubefed-kubeconfig",
    scope: "Cluster" as FederationScope,
    replicas: 1,
    readyTimeoutSeconds: 120,
    propagationTimeoutSeconds: 90,
};

/** The most characters of one problem line (longer ones are cut, "…" at the end). */
export const MAX_PROBLEM_LENGTH = 300;
/** The most problems the message lists; "and N more problems" follows. */
export const MAX_PROBLEMS_LISTED = 50;

function validationMessage(componentName: string, problems: string[]): string {
    const listed = problems.slice(0, MAX_PROBLEMS_LISTED).map((p) => `  - ${p}`);
    const more = problems.length - MAX_PROBLEMS_LISTED;
    if (more > 0) {
        listed.push(`  - and ${more} more problem${more === 1 ? "" : "s"}`);
    }
    return `KubefedFederation ${echo(componentName)} has ${problems.length} invalid argument${problems.length === 1 ? "" : "s"}:\n${listed.join("\n")}`;
}

/**
 * Thrown for invalid args; `problems` holds one line per problem, each cut to 300 characters; the
 * message lists the first 50 (a huge bad kubeconfig gives a short error).
 */
export class KubefedValidationError extends Error {
    readonly problems: string[];

    constructor(componentName: string, problems: string[]) {
        const lines = problems.map((p) => truncate(p, MAX_PROBLEM_LENGTH - 1));
        super(validationMessage(componentName, lines));
        this.name = "KubefedValidationError";
        this.problems = lines;
    }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes' "qualified name" (label keys without prefix) and label values.
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const TLS_VALIDATIONS = ["*", "SubjectName", "ValidityPeriod"];
/** Go's int32, which replicas and totalReplicas are in KubeFed's types. */
export const MAX_INT32 = 2147483647;

/** Whether `value` is a plain object (`{...}`, not an array, a string, a class instance or an Output). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return false;
    }
    const proto = Object.getPrototypeOf(value);
    return proto === null || Object.getPrototypeOf(proto) === null;
}

/** What kind of value `value` is, for a message that must not show it. */
function kindOf(value: unknown): string {
    return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/** Whether `value` is known only at deploy time (an Output or a promise): checked then, by endpoint.ts. */
export function isDeployTime(value: unknown): boolean {
    return Output.isInstance(value) || typeof (value as { then?: unknown } | null)?.then === "function";
}

/** What is wrong with a `scope`: neither "Cluster" nor "Namespaced" (undefined is the default). */
export function scopeProblems(scope: unknown): string[] {
    return scope === undefined || scope === "Cluster" || scope === "Namespaced" ? [] : [`scope ${echo(scope)} is neither "Cluster" nor "Namespaced"`];
}

/** Whether `value` is an integer from 0 to 2147483647 (Go's int32). */
export function isInt32Count(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_INT32;
}

/** Whether `value` is a provider resource of the kubernetes package. */
function isKubernetesProvider(value: unknown): boolean {
    const provider = value as { getPackage?: () => string } | undefined;
    return CustomResource.isInstance(value) && typeof provider?.getPackage === "function" && provider.getPackage() === "kubernetes";
}

export function isDNS1123Label(value: unknown): value is string {
    return typeof value === "string" && value.length <= 63 && DNS1123_LABEL.test(value);
}

export function isDNS1123Subdomain(value: unknown): value is string {
    return typeof value === "string" && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** Returns what is wrong with a label key, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (prefix !== undefined && !isDNS1123Subdomain(prefix)) {
        return `label key ${echo(key)} has a prefix that is not a DNS-1123 subdomain`;
    }
    if (name.length > 63 || !QUALIFIED_NAME.test(name)) {
        return `label key ${echo(key)} is not a valid label name (at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)`;
    }
    return undefined;
}

export function labelValueProblem(key: string, value: unknown): string | undefined {
    if (typeof value !== "string" || (value !== "" && (value.length > 63 || !QUALIFIED_NAME.test(value)))) {
        return `label ${echo(key)} has an invalid value ${echo(value)} (at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric, or empty)`;
    }
    return undefined;
}

/** Whether `value` is a CIDR as Go's net.ParseCIDR reads one (see parseGoCIDR). */
export function isCIDR(value: unknown): boolean {
    return parseGoCIDR(value).cidr !== undefined;
}

/**
 * What is wrong with a caBundle (PEM: one or more CERTIFICATE blocks, nothing else), as a phrase
 * that follows "caBundle", or undefined. Never quotes the bundle.
 */
export function caBundleProblem(value: unknown): string | undefined {
    if (typeof value !== "string") {
        return `is not a string but ${kindOf(value)}`;
    }
    const problem = pemCertificatesProblem(value);
    return problem && `is not a PEM-encoded certificate or bundle of certificates: ${problem}`;
}

export function checkName(problems: string[], what: string, value: unknown, kind: "label" | "subdomain"): void {
    if (value === undefined) {
        return;
    }
    const ok = kind === "label" ? isDNS1123Label(value) : isDNS1123Subdomain(value);
    if (!ok) {
        const rule =
            kind === "label"
                ? "a DNS-1123 label (at most 63 lower-case alphanumerics or '-', starting and ending with an alphanumeric)"
                : "a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', at most 253 characters)";
        problems.push(`${what} ${echo(value)} is not ${rule}`);
    }
}

/** The problems of one member; each line names the member. */
function memberProblems(member: MemberClusterArgs, index: number, seen: Map<string, number>): string[] {
    const problems: string[] = [];
    const name = member?.name;
    const who = typeof name === "string" && name !== "" ? `member ${echo(name)}` : `clusters[${index}]`;
    const add = (problem: string) => problems.push(`${who}: ${problem}`);

    if (typeof member !== "object" || member === null) {
        return [`clusters[${index}]: must be an object with at least name and kubeconfig`];
    }
    if (typeof name !== "string" || name === "") {
        add("name is empty");
    } else if (!isDNS1123Label(name)) {
        add(`name ${echo(name)} is not a DNS-1123 label (at most 63 lower-case alphanumerics or '-', starting and ending with an alphanumeric)`);
    } else if (seen.has(name)) {
        add(`name is used more than once (clusters[${seen.get(name)}] and clusters[${index}])`);
    } else {
        seen.set(name, index);
    }

    if (member.context !== undefined && (typeof member.context !== "string" || member.context === "")) {
        add("context must be a non-empty string when given");
    }
    if (member.kubeconfig === undefined || member.kubeconfig === null || member.kubeconfig === "") {
        add("kubeconfig is missing");
    } else if (typeof member.kubeconfig === "string") {
        // Every rule client-go and KubeFed apply, the context's server and proxy-url included
        // (endpoint.ts applies the same ones to a kubeconfig known only at deploy time).
        const context = typeof member.context === "string" && member.context !== "" ? member.context : undefined;
        inspectMemberKubeconfig(member.kubeconfig, context).problems.forEach(add);
    } else if (!isDeployTime(member.kubeconfig)) {
        add(`kubeconfig must be a string (the kubeconfig's YAML), not ${kindOf(member.kubeconfig)}`);
    }
    if (typeof member.apiEndpoint === "string") {
        const problem = serverURLProblem(member.apiEndpoint);
        if (problem) {
            add(`apiEndpoint ${problem}`);
        }
    } else if (member.apiEndpoint !== undefined && !isDeployTime(member.apiEndpoint)) {
        add(`apiEndpoint must be a string, not ${kindOf(member.apiEndpoint)}`);
    }
    if (member.caBundle !== undefined && !isDeployTime(member.caBundle)) {
        const problem = caBundleProblem(member.caBundle);
        if (problem) {
            add(`caBundle ${problem}`);
        }
    }

    const addresses = member.serverAddressByClientCIDRs;
    if (addresses !== undefined) {
        if (!Array.isArray(addresses) || addresses.length === 0) {
            add("serverAddressByClientCIDRs must list at least one entry when given (omit it for the default)");
        } else {
            addresses.forEach((entry, i) => addressProblems(entry, i).forEach(add));
        }
    }

    if (member.labels !== undefined && !isPlainObject(member.labels)) {
        add(`labels must be a plain object of label keys to string values, not ${kindOf(member.labels)}`);
    }
    for (const [key, value] of Object.entries(isPlainObject(member.labels) ? member.labels : {})) {
        const problem = labelKeyProblem(key) ?? labelValueProblem(key, value) ?? (key === FEDERATION_LABEL ? `label "${key}" is the component's own (it says which federation a KubeFedCluster belongs to)` : undefined);
        if (problem) {
            add(problem);
        }
    }
    if (member.replicas !== undefined && !isInt32Count(member.replicas)) {
        add(`replicas ${echo(member.replicas)} is not a non-negative integer of at most ${MAX_INT32} (KubeFed's int32)`);
    }

    const tls = member.disabledTLSValidations;
    if (tls !== undefined) {
        const unknown = (Array.isArray(tls) ? tls : [tls]).filter((v) => !TLS_VALIDATIONS.includes(v as string));
        if (!Array.isArray(tls) || unknown.length > 0) {
            add(`disabledTLSValidations has unknown values ${echo(unknown)} (allowed: "*", "SubjectName", "ValidityPeriod")`);
        } else if (tls.includes("*") && tls.length > 1) {
            add(`disabledTLSValidations: "*" disables every validation and must stand alone`);
        } else if (new Set(tls).size !== tls.length) {
            add("disabledTLSValidations lists a value more than once");
        }
    }
    if (member.provider !== undefined && !isKubernetesProvider(member.provider)) {
        add("provider must be a kubernetes Provider resource (new k8s.Provider(...))");
    }
    if (member.tokenRotation !== undefined && typeof member.tokenRotation !== "string") {
        add("tokenRotation must be a string");
    }
    if (member.proxyURL !== undefined) {
        const problem = proxyURLProblem(member.proxyURL);
        if (problem) {
            add(`proxyURL ${problem}`);
        }
    }
    return problems;
}

/**
 * The problems of one serverAddressByClientCIDRs entry, as Go reads it: the CIDR by
 * net.ParseCIDR, the address by url.Parse. endpoint.ts applies them again at deploy time.
 */
export function addressProblems(entry: unknown, index: number): string[] {
    if (!isPlainObject(entry)) {
        return [`serverAddressByClientCIDRs[${index}] must be an object with clientCIDR and serverAddress, not ${kindOf(entry)}`];
    }
    const problems: string[] = [];
    const cidr = parseGoCIDR(entry.clientCIDR);
    if (cidr.problem !== undefined) {
        problems.push(`serverAddressByClientCIDRs[${index}].clientCIDR ${echo(entry.clientCIDR)} is not an IPv4 or IPv6 CIDR: ${cidr.problem}`);
    }
    const address = serverURLProblem(entry.serverAddress);
    if (address) {
        problems.push(`serverAddressByClientCIDRs[${index}].serverAddress ${address}`);
    }
    return problems;
}

/**
 * The problems of a placement (`clusters` or `clusterSelector`) among `members`: a name that is
 * not among them, a selector that is no label selector or matches none of them, an empty list.
 * `words.target`: what an empty placement would mean; `words.among`: what the members are.
 */
export function placementProblems(
    placement: { clusters?: unknown; clusterSelector?: unknown },
    members: PlacementMember[],
    words: { target: string; among: string },
    add: (problem: string) => void,
): void {
    if (placement.clusters !== undefined && placement.clusterSelector !== undefined) {
        add("give either clusters or clusterSelector, not both");
    }
    const memberNames = new Set(members.map((m) => m.name));
    const clusters = placement.clusters;
    const clustersValid = clusters === undefined || (Array.isArray(clusters) && clusters.every((c) => typeof c === "string"));
    if (!clustersValid) {
        add("clusters must be an array of member names");
    }
    for (const cluster of clustersValid ? ((clusters as string[] | undefined) ?? []) : []) {
        if (!memberNames.has(cluster)) {
            add(`clusters names ${echo(cluster)}, which is not ${words.among}`);
        }
    }
    let selectorValid = true;
    const selector = placement.clusterSelector;
    if (selector !== undefined && !isPlainObject(selector)) {
        add(`clusterSelector must be a plain object of label keys to string values, not ${kindOf(selector)}`);
        selectorValid = false;
    }
    for (const [k, v] of Object.entries(isPlainObject(selector) ? selector : {})) {
        const problem = labelKeyProblem(k) ?? labelValueProblem(k, v);
        if (problem) {
            add(`clusterSelector: ${problem}`);
            selectorValid = false;
        }
    }
    // An empty placement would place nothing, silently.
    if (Array.isArray(clusters) && clusters.length === 0) {
        add(`clusters is empty: ${words.target}`);
    } else if (selector !== undefined && clusters === undefined && selectorValid && members.length > 0 && placedMembers({ clusterSelector: selector as { [key: string]: string } }, members).length === 0) {
        add(`clusterSelector ${echo(selector)} matches no ${words.among.replace(/^an? /, "")}`);
    }
}

/** The problems of one workload; each line names it. */
function workloadProblems(workload: FederatedDeploymentArgs, index: number, members: PlacementMember[], kubefedNamespace: string, seen: Set<string>): string[] {
    if (typeof workload !== "object" || workload === null) {
        return [`workloads[${index}]: must be an object with at least name, namespace and spec`];
    }
    const problems: string[] = [];
    const who = typeof workload.name === "string" && workload.name !== "" ? `workload ${echo(`${workload.namespace}/${workload.name}`)}` : `workloads[${index}]`;
    const add = (problem: string) => problems.push(`${who}: ${problem}`);
    if (!isDNS1123Subdomain(workload.name)) {
        add(`name ${echo(workload.name)} is not a DNS-1123 subdomain`);
    } else if (workload.name.endsWith(INACTIVE_PREFERENCE_SUFFIX) || !isDNS1123Subdomain(`${workload.name}${INACTIVE_PREFERENCE_SUFFIX}`)) {
        add(`name ${echo(workload.name)} must not end in "${INACTIVE_PREFERENCE_SUFFIX}" and must be at most ${253 - INACTIVE_PREFERENCE_SUFFIX.length} characters (the component names the workload's inactive ReplicaSchedulingPreference so)`);
    }
    if (!isDNS1123Label(workload.namespace)) {
        add(`namespace ${echo(workload.namespace)} is not a DNS-1123 label`);
    } else if (workload.namespace === kubefedNamespace) {
        add(`namespace "${workload.namespace}" is the KubeFed namespace; workloads need a namespace of their own`);
    }
    const key = `${workload.namespace}/${workload.name}`;
    if (seen.has(key)) {
        add("is declared more than once in its namespace");
    }
    seen.add(key);
    if (workload.spec === undefined || workload.spec === null) {
        add("spec is missing");
    }
    placementProblems(workload, members, { target: "the workload would run on no member (leave clusters out to run it on every member)", among: "a member" }, add);
    if (workload.totalReplicas !== undefined && !isInt32Count(workload.totalReplicas)) {
        add(`totalReplicas ${echo(workload.totalReplicas)} is not a non-negative integer of at most ${MAX_INT32} (KubeFed's int32)`);
    }
    return problems;
}

/**
 * The args with the control plane's namespace and scope, when it is given. A `kubefedNamespace` or
 * `scope` that differs from the control plane's is a problem: the federation would wait for a
 * KubeFed that runs elsewhere.
 */
function withControlPlane(args: KubefedFederationArgs): { args: KubefedFederationArgs; problems: string[]; controlPlane?: Resource } {
    if (args?.controlPlane === undefined) {
        return { args, problems: [] };
    }
    const ref = (args.controlPlane as Partial<ControlPlaneReference>).controlPlaneReference;
    if (!isPlainObject(ref) || typeof ref.kubefedNamespace !== "string" || typeof ref.scope !== "string") {
        return { args, problems: ["controlPlane must be a KubefedControlPlane"] };
    }
    const problems: string[] = [];
    if (args.kubefedNamespace !== undefined && args.kubefedNamespace !== ref.kubefedNamespace) {
        problems.push(`kubefedNamespace ${echo(args.kubefedNamespace)} differs from the namespace of controlPlane (${echo(ref.kubefedNamespace)}): leave it out, it comes from controlPlane`);
    }
    if (args.scope !== undefined && args.scope !== ref.scope) {
        problems.push(`scope ${echo(args.scope)} differs from the scope of controlPlane (${echo(ref.scope)}): leave it out, it comes from controlPlane`);
    }
    return { args: { ...args, kubefedNamespace: ref.kubefedNamespace, scope: ref.scope }, problems, controlPlane: ref.resource };
}

/**
 * Checks every argument and applies the defaults. Throws one KubefedValidationError listing
 * every problem. Kubeconfigs known only at deploy time are checked then (see component.ts).
 */
export function validateFederationArgs(componentName: string, given: KubefedFederationArgs): ValidatedFederation {
    const { args, problems, controlPlane } = withControlPlane(given);
    checkName(problems, "federationName", args?.federationName, "subdomain");
    checkName(problems, "hostClusterName", args?.hostClusterName, "label");
    checkName(problems, "configNamespace", args?.configNamespace, "label");
    checkName(problems, "kubefedNamespace", args?.kubefedNamespace, "label");
    checkName(problems, "configMapName", args?.configMapName, "subdomain");
    checkName(problems, "kubeconfigSecretName", args?.kubeconfigSecretName, "subdomain");
    problems.push(...scopeProblems(args?.scope));
    for (const flag of ["waitForReady", "orphanWorkloadsOnUnjoin"] as const) {
        if (args?.[flag] !== undefined && typeof args[flag] !== "boolean") {
            problems.push(`${flag} must be a boolean`);
        }
    }
    for (const timeout of ["readyTimeoutSeconds", "propagationTimeoutSeconds"] as const) {
        if (args?.[timeout] !== undefined && !(Number.isInteger(args[timeout]) && args[timeout]! > 0)) {
            problems.push(`${timeout} ${echo(args[timeout])} is not a positive integer`);
        }
    }
    if (typeof args?.hostKubeconfig === "string") {
        // As @kubernetes/client-node (kubectl's rules) will read it; a secret one is checked at deploy time.
        problems.push(...hostKubeconfigProblems(args.hostKubeconfig).map((p) => `hostKubeconfig: ${p}`));
    } else if (args?.hostKubeconfig !== undefined && !isDeployTime(args.hostKubeconfig)) {
        problems.push(`hostKubeconfig must be a string (the kubeconfig's YAML), not ${kindOf(args.hostKubeconfig)}`);
    }
    // The federation's name labels its KubeFedClusters.
    const federationName = args?.federationName ?? DEFAULTS.federationName;
    if (typeof federationName === "string" && isDNS1123Subdomain(federationName) && federationName.length > 63) {
        problems.push(`federationName ${echo(federationName)} is longer than 63 characters, the most a label value (of the KubeFedClusters) can hold`);
    }

    const clusters = args?.clusters;
    if (!Array.isArray(clusters)) {
        problems.push("clusters must be a plain array of members (it may be empty)");
    } else {
        const seen = new Map<string, number>();
        clusters.forEach((member, i) => problems.push(...memberProblems(member, i, seen)));
    }
    // What workloads and resources are placed among: the members as given, labels where they are valid.
    const placementMembers: PlacementMember[] = (Array.isArray(clusters) ? clusters : [])
        .filter(isPlainObject)
        .map((m) => ({ name: m.name as string, labels: isPlainObject(m.labels) ? (m.labels as { [key: string]: string }) : {}, replicas: 0 }));
    const workloads = args?.workloads ?? [];
    if (!Array.isArray(workloads)) {
        problems.push("workloads must be a plain array of Deployments");
    } else {
        const seen = new Set<string>();
        const kubefedNamespace = args.kubefedNamespace ?? DEFAULTS.kubefedNamespace;
        workloads.forEach((workload, i) => problems.push(...workloadProblems(workload, i, placementMembers, kubefedNamespace, seen)));
        if (workloads.length > 0 && args.scope === "Namespaced") {
            problems.push(
                `workloads need scope "Cluster": a KubeFed control plane of scope "Namespaced" watches only its own namespace (${kubefedNamespace}), which workloads may not use`,
            );
        }
    }
    const typeProblems = federatedTypeProblems(args?.federatedTypes);
    problems.push(...typeProblems);
    const types = knownTypes(typeProblems.length === 0 ? (args?.federatedTypes ?? []) : []);
    problems.push(
        ...resourceProblems(args?.resources, {
            members: placementMembers,
            types,
            kubefedNamespace: args?.kubefedNamespace ?? DEFAULTS.kubefedNamespace,
            namespacedScope: args?.scope === "Namespaced",
            workloadKeys: new Set((Array.isArray(workloads) ? workloads : []).filter(isPlainObject).map((w) => `Deployment/${w.namespace}/${w.name}`)),
        }),
    );
    if (problems.length > 0) {
        throw new KubefedValidationError(componentName, problems);
    }

    const members = sortedBy(
        (clusters as MemberClusterArgs[]).map(
            (m): MemberSpec => ({
                name: m.name,
                kubeconfig: m.kubeconfig,
                context: m.context,
                apiEndpoint: m.apiEndpoint,
                serverAddressByClientCIDRs: m.serverAddressByClientCIDRs?.map((a) => ({ clientCIDR: a.clientCIDR, serverAddress: a.serverAddress })),
                caBundle: m.caBundle,
                labels: { ...(m.labels ?? {}) },
                replicas: m.replicas ?? DEFAULTS.replicas,
                disabledTLSValidations: [...(m.disabledTLSValidations ?? [])],
                proxyURL: m.proxyURL,
                tokenRotation: m.tokenRotation,
                provider: m.provider,
            }),
        ),
        (m) => m.name,
    );

    return {
        settings: {
            federationName: args.federationName ?? DEFAULTS.federationName,
            hostClusterName: args.hostClusterName ?? DEFAULTS.hostClusterName,
            configNamespace: args.configNamespace ?? DEFAULTS.configNamespace,
            kubefedNamespace: args.kubefedNamespace ?? DEFAULTS.kubefedNamespace,
            configMapName: args.configMapName ?? DEFAULTS.configMapName,
            kubeconfigSecretName: args.kubeconfigSecretName ?? DEFAULTS.kubeconfigSecretName,
            scope: (args.scope as FederationScope | undefined) ?? DEFAULTS.scope,
            waitForReady: args.waitForReady ?? false,
            readyTimeoutSeconds: args.readyTimeoutSeconds ?? DEFAULTS.readyTimeoutSeconds,
            propagationTimeoutSeconds: args.propagationTimeoutSeconds ?? DEFAULTS.propagationTimeoutSeconds,
            orphanWorkloadsOnUnjoin: args.orphanWorkloadsOnUnjoin ?? false,
        },
        members,
        workloads: sortedBy(workloads as FederatedDeploymentArgs[], (w) => `${w.namespace}/${w.name}`),
        controlPlane,
        resources: sortedBy((args.resources ?? []).map((r) => ({ ...r, type: typeOf(types, r.object.apiVersion, r.object.kind)!, key: resourceKey(r.object) })), (r) => r.key),
        types,
    };
}
