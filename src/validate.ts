// Validation of KubefedFederationArgs: every problem is collected, then thrown as one error,
// before the component registers anything. Pure: no Pulumi resources.
import { X509Certificate } from "crypto";
import { CustomResource } from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import { FederatedDeploymentArgs, FederationScope, KubefedFederationArgs, MemberClusterArgs } from "./args";
import { readClientAccess, resolveContext } from "./kubeconfig";
import { sortedBy } from "./objects";
import { FEDERATION_LABEL, INACTIVE_PREFERENCE_SUFFIX, PlacementMember, placedMembers } from "./workloads";

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

export interface ValidatedFederation {
    settings: FederationSettings;
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

/** Thrown for invalid args; `problems` holds one line per problem. */
export class KubefedValidationError extends Error {
    constructor(
        componentName: string,
        readonly problems: string[],
    ) {
        super(
            `KubefedFederation "${componentName}" has ${problems.length} invalid argument${problems.length === 1 ? "" : "s"}:\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "KubefedValidationError";
    }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes' "qualified name" (label keys without prefix) and label values.
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const TLS_VALIDATIONS = ["*", "SubjectName", "ValidityPeriod"];
const PROXY_SCHEMES = ["http:", "https:", "socks5:"];

/**
 * What is wrong with a proxy URL (the `proxyURL` of a member, or its kubeconfig's `proxy-url`),
 * or undefined. Credentials in it are refused: KubeFed v0.10.0 reads the proxy from the
 * KubeFedCluster's spec, which is no Secret, so they would be in plaintext there and in state.
 */
export function proxyURLProblem(value: unknown): string | undefined {
    const url = parseURL(value, PROXY_SCHEMES);
    if (!url) {
        return `${JSON.stringify(value)} is not an http, https or socks5 URL with a host`;
    }
    if (url.username !== "" || url.password !== "") {
        return (
            `${JSON.stringify(`${url.protocol}//***@${url.host}`)} carries credentials: KubeFed reads the proxy from the KubeFedCluster's spec, ` +
            "which is not a Secret, so they would be stored in plaintext; use a proxy that admits the host without them (by address or client certificate)"
        );
    }
    return undefined;
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
        return `label key "${key}" has a prefix that is not a DNS-1123 subdomain`;
    }
    if (name.length > 63 || !QUALIFIED_NAME.test(name)) {
        return `label key "${key}" is not a valid label name (at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)`;
    }
    return undefined;
}

export function labelValueProblem(key: string, value: unknown): string | undefined {
    if (typeof value !== "string" || (value !== "" && (value.length > 63 || !QUALIFIED_NAME.test(value)))) {
        return `label "${key}" has an invalid value ${JSON.stringify(value)} (at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric, or empty)`;
    }
    return undefined;
}

export function isCIDR(value: unknown): boolean {
    if (typeof value !== "string" || !value.includes("/")) {
        return false;
    }
    try {
        ipaddr.parseCIDR(value);
        return true;
    } catch {
        return false;
    }
}

/** Parses `value` as a URL with one of `schemes` and a host; returns undefined when it is not one. */
function parseURL(value: unknown, schemes: string[]): URL | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    try {
        const url = new URL(value);
        return schemes.includes(url.protocol) && url.hostname !== "" ? url : undefined;
    } catch {
        return undefined;
    }
}

export function isHTTPURL(value: unknown): boolean {
    return parseURL(value, ["http:", "https:"]) !== undefined;
}

export function isPEMCertificate(value: string): boolean {
    try {
        new X509Certificate(value);
        return value.includes("-----BEGIN CERTIFICATE-----");
    } catch {
        return false;
    }
}

function checkName(problems: string[], what: string, value: unknown, kind: "label" | "subdomain"): void {
    if (value === undefined) {
        return;
    }
    const ok = kind === "label" ? isDNS1123Label(value) : isDNS1123Subdomain(value);
    if (!ok) {
        const rule =
            kind === "label"
                ? "a DNS-1123 label (at most 63 lower-case alphanumerics or '-', starting and ending with an alphanumeric)"
                : "a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', at most 253 characters)";
        problems.push(`${what} ${JSON.stringify(value)} is not ${rule}`);
    }
}

/** The problems of one member; each line names the member. */
function memberProblems(member: MemberClusterArgs, index: number, seen: Map<string, number>): string[] {
    const problems: string[] = [];
    const name = member?.name;
    const who = typeof name === "string" && name !== "" ? `member "${name}"` : `clusters[${index}]`;
    const add = (problem: string) => problems.push(`${who}: ${problem}`);

    if (typeof member !== "object" || member === null) {
        return [`clusters[${index}]: must be an object with at least name and kubeconfig`];
    }
    if (typeof name !== "string" || name === "") {
        add("name is empty");
    } else if (!isDNS1123Label(name)) {
        add(`name ${JSON.stringify(name)} is not a DNS-1123 label (at most 63 lower-case alphanumerics or '-', starting and ending with an alphanumeric)`);
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
        try {
            const context = resolveContext(member.kubeconfig, member.context);
            // The context's server is the default apiEndpoint, its proxy-url the default proxyURL.
            if (member.apiEndpoint === undefined && !member.serverAddressByClientCIDRs?.length && !isHTTPURL(context.server)) {
                add(`kubeconfig context "${context.context}" has server ${JSON.stringify(context.server)}, not an http(s) URL with a host (set apiEndpoint)`);
            }
            const proxyProblem = member.proxyURL === undefined && context.proxyURL !== undefined ? proxyURLProblem(context.proxyURL) : undefined;
            if (proxyProblem) {
                add(`kubeconfig context "${context.context}" has proxy-url ${proxyProblem}`);
            }
        } catch (e) {
            add((e as Error).message);
        }
    }
    if (typeof member.apiEndpoint === "string" && !isHTTPURL(member.apiEndpoint)) {
        add(`apiEndpoint ${JSON.stringify(member.apiEndpoint)} is not an http(s) URL with a host`);
    }
    if (typeof member.caBundle === "string" && !isPEMCertificate(member.caBundle)) {
        add("caBundle is not a PEM-encoded certificate");
    }

    const addresses = member.serverAddressByClientCIDRs;
    if (addresses !== undefined) {
        if (!Array.isArray(addresses) || addresses.length === 0) {
            add("serverAddressByClientCIDRs must list at least one entry when given (omit it for the default)");
        } else {
            addresses.forEach((entry, i) => {
                if (!isCIDR(entry?.clientCIDR)) {
                    add(`serverAddressByClientCIDRs[${i}].clientCIDR ${JSON.stringify(entry?.clientCIDR)} is not an IPv4 or IPv6 CIDR`);
                }
                if (!isHTTPURL(entry?.serverAddress)) {
                    add(`serverAddressByClientCIDRs[${i}].serverAddress ${JSON.stringify(entry?.serverAddress)} is not an http(s) URL with a host`);
                }
            });
        }
    }

    for (const [key, value] of Object.entries(member.labels ?? {})) {
        const problem = labelKeyProblem(key) ?? labelValueProblem(key, value) ?? (key === FEDERATION_LABEL ? `label "${key}" is the component's own (it says which federation a KubeFedCluster belongs to)` : undefined);
        if (problem) {
            add(problem);
        }
    }
    if (member.replicas !== undefined && !(Number.isInteger(member.replicas) && member.replicas >= 0)) {
        add(`replicas ${JSON.stringify(member.replicas)} is not a non-negative integer`);
    }

    const tls = member.disabledTLSValidations;
    if (tls !== undefined) {
        const unknown = (Array.isArray(tls) ? tls : [tls]).filter((v) => !TLS_VALIDATIONS.includes(v as string));
        if (!Array.isArray(tls) || unknown.length > 0) {
            add(`disabledTLSValidations has unknown values ${JSON.stringify(unknown)} (allowed: "*", "SubjectName", "ValidityPeriod")`);
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

/** The problems of one workload; each line names it. */
function workloadProblems(workload: FederatedDeploymentArgs, index: number, members: PlacementMember[], kubefedNamespace: string, seen: Set<string>): string[] {
    if (typeof workload !== "object" || workload === null) {
        return [`workloads[${index}]: must be an object with at least name, namespace and spec`];
    }
    const problems: string[] = [];
    const who = typeof workload.name === "string" && workload.name !== "" ? `workload "${workload.namespace}/${workload.name}"` : `workloads[${index}]`;
    const add = (problem: string) => problems.push(`${who}: ${problem}`);
    if (!isDNS1123Subdomain(workload.name)) {
        add(`name ${JSON.stringify(workload.name)} is not a DNS-1123 subdomain`);
    } else if (workload.name.endsWith(INACTIVE_PREFERENCE_SUFFIX) || !isDNS1123Subdomain(`${workload.name}${INACTIVE_PREFERENCE_SUFFIX}`)) {
        add(`name ${JSON.stringify(workload.name)} must not end in "${INACTIVE_PREFERENCE_SUFFIX}" and must be at most ${253 - INACTIVE_PREFERENCE_SUFFIX.length} characters (the component names the workload's inactive ReplicaSchedulingPreference so)`);
    }
    if (!isDNS1123Label(workload.namespace)) {
        add(`namespace ${JSON.stringify(workload.namespace)} is not a DNS-1123 label`);
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
    if (workload.clusters !== undefined && workload.clusterSelector !== undefined) {
        add("give either clusters or clusterSelector, not both");
    }
    const memberNames = new Set(members.map((m) => m.name));
    for (const cluster of workload.clusters ?? []) {
        if (!memberNames.has(cluster)) {
            add(`clusters names "${cluster}", which is not a member`);
        }
    }
    let selectorValid = true;
    for (const [k, v] of Object.entries(workload.clusterSelector ?? {})) {
        const problem = labelKeyProblem(k) ?? labelValueProblem(k, v);
        if (problem) {
            add(`clusterSelector: ${problem}`);
            selectorValid = false;
        }
    }
    // An empty placement would run the workload nowhere, silently.
    if (Array.isArray(workload.clusters) && workload.clusters.length === 0) {
        add("clusters is empty: the workload would run on no member (leave clusters out to run it on every member)");
    } else if (workload.clusterSelector !== undefined && workload.clusters === undefined && selectorValid && members.length > 0 && placedMembers(workload, members).length === 0) {
        add(`clusterSelector ${JSON.stringify(workload.clusterSelector)} matches no member`);
    }
    if (workload.totalReplicas !== undefined && !(Number.isInteger(workload.totalReplicas) && workload.totalReplicas >= 0)) {
        add(`totalReplicas ${JSON.stringify(workload.totalReplicas)} is not a non-negative integer`);
    }
    return problems;
}

/**
 * Checks every argument and applies the defaults. Throws one KubefedValidationError listing
 * every problem. Kubeconfigs known only at deploy time are checked then (see component.ts).
 */
export function validateFederationArgs(componentName: string, args: KubefedFederationArgs): ValidatedFederation {
    const problems: string[] = [];
    checkName(problems, "federationName", args?.federationName, "subdomain");
    checkName(problems, "hostClusterName", args?.hostClusterName, "label");
    checkName(problems, "configNamespace", args?.configNamespace, "label");
    checkName(problems, "kubefedNamespace", args?.kubefedNamespace, "label");
    checkName(problems, "configMapName", args?.configMapName, "subdomain");
    checkName(problems, "kubeconfigSecretName", args?.kubeconfigSecretName, "subdomain");
    if (args?.scope !== undefined && args.scope !== "Cluster" && args.scope !== "Namespaced") {
        problems.push(`scope ${JSON.stringify(args.scope)} is neither "Cluster" nor "Namespaced"`);
    }
    for (const flag of ["waitForReady", "orphanWorkloadsOnUnjoin"] as const) {
        if (args?.[flag] !== undefined && typeof args[flag] !== "boolean") {
            problems.push(`${flag} must be a boolean`);
        }
    }
    for (const timeout of ["readyTimeoutSeconds", "propagationTimeoutSeconds"] as const) {
        if (args?.[timeout] !== undefined && !(Number.isInteger(args[timeout]) && args[timeout]! > 0)) {
            problems.push(`${timeout} ${JSON.stringify(args[timeout])} is not a positive integer`);
        }
    }
    if (typeof args?.hostKubeconfig === "string") {
        try {
            readClientAccess(args.hostKubeconfig);
        } catch (e) {
            problems.push(`hostKubeconfig: ${(e as Error).message}`);
        }
    }
    // The federation's name labels its KubeFedClusters.
    const federationName = args?.federationName ?? DEFAULTS.federationName;
    if (typeof federationName === "string" && isDNS1123Subdomain(federationName) && federationName.length > 63) {
        problems.push(`federationName "${federationName}" is longer than 63 characters, the most a label value (of the KubeFedClusters) can hold`);
    }

    const clusters = args?.clusters;
    if (!Array.isArray(clusters)) {
        problems.push("clusters must be a plain array of members (it may be empty)");
    } else {
        const seen = new Map<string, number>();
        clusters.forEach((member, i) => problems.push(...memberProblems(member, i, seen)));
    }
    const workloads = args?.workloads ?? [];
    if (!Array.isArray(workloads)) {
        problems.push("workloads must be a plain array of Deployments");
    } else {
        const members = (Array.isArray(clusters) ? clusters : []).filter((m) => typeof m === "object" && m !== null).map((m) => ({ name: m.name, labels: m.labels ?? {}, replicas: 0 }));
        const seen = new Set<string>();
        const kubefedNamespace = args.kubefedNamespace ?? DEFAULTS.kubefedNamespace;
        workloads.forEach((workload, i) => problems.push(...workloadProblems(workload, i, members, kubefedNamespace, seen)));
        if (workloads.length > 0 && args.scope === "Namespaced") {
            problems.push(
                `workloads need scope "Cluster": a KubeFed control plane of scope "Namespaced" watches only its own namespace (${kubefedNamespace}), which workloads may not use`,
            );
        }
    }
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
    };
}
