// The KubeFed control plane as plain data: KubefedControlPlaneArgs validated (one error listing
// every problem) and turned into the inputs of the Helm release that installs KubeFed's chart.
// Pure: no Pulumi resources (a chart given as a path is checked for existence).
import * as fs from "fs";
import * as path from "path";
import { FederationScope, KubefedControlPlaneArgs } from "./args";
import { hostKubeconfigProblems } from "./kubeconfig";
import { echo } from "./redact";
import { checkName, isDeployTime, isDNS1123Label, isPlainObject, KubefedValidationError, scopeProblems } from "./validate";

/** KubeFed's chart repository, where `helm repo add kubefed-charts` points. */
export const KUBEFED_CHART_REPOSITORY = "https://raw.githubusercontent.com/kubernetes-sigs/kubefed/master/charts";
export const KUBEFED_CHART_VERSION = "0.10.0";

export const CONTROL_PLANE_DEFAULTS = {
    namespace: "kube-federation-system",
    scope: "Cluster" as FederationScope,
    releaseName: "kubefed",
    timeoutSeconds: 300,
};

export interface ControlPlaneSettings {
    /** Where the chart comes from: a local path, or a chart of a repository. */
    chart: { path: string } | { name: "kubefed"; repository: string; version: string };
    namespace: string;
    scope: FederationScope;
    releaseName: string;
    timeoutSeconds: number;
}

/** Whether `chart` names a local chart (a directory, or an archive) rather than a repository's. */
function isPath(chart: string): boolean {
    return chart.startsWith("/") || chart.startsWith("./") || chart.startsWith("../") || chart.endsWith(".tgz") || chart.includes(path.sep);
}

/** What is wrong with a local chart: missing, or a directory that is no chart. */
function chartPathProblem(chart: string): string | undefined {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(chart);
    } catch {
        return `chart ${echo(chart)} does not exist (a chart directory or a .tgz archive)`;
    }
    if (stat.isDirectory() && !fs.existsSync(path.join(chart, "Chart.yaml"))) {
        return `chart ${echo(chart)} is a directory without Chart.yaml: not a Helm chart`;
    }
    return undefined;
}

/** The values' problems: `global.scope` belongs to `scope`. Values known only at deploy time are not looked into. */
function valuesProblems(values: unknown): string[] {
    if (values === undefined || isDeployTime(values)) {
        return [];
    }
    if (!isPlainObject(values)) {
        return ["values must be an object (the chart's values)"];
    }
    const global = values.global;
    if (isPlainObject(global) && global.scope !== undefined) {
        return ['values.global.scope is set: give the scope as `scope`, which the federation reads too (a mismatch cannot be written)'];
    }
    return [];
}

/** Checks every argument and applies the defaults; throws one KubefedValidationError listing every problem. */
export function validateControlPlaneArgs(componentName: string, args: KubefedControlPlaneArgs | undefined): ControlPlaneSettings {
    const a = args ?? {};
    const problems: string[] = [];
    for (const key of ["chart", "repository", "version"] as const) {
        if (a[key] !== undefined && (typeof a[key] !== "string" || a[key] === "")) {
            problems.push(`${key} must be a non-empty string`);
        }
    }
    const local = typeof a.chart === "string" && a.chart !== "" && isPath(a.chart);
    if (local) {
        const problem = chartPathProblem(a.chart!);
        if (problem) {
            problems.push(problem);
        }
        for (const key of ["repository", "version"] as const) {
            if (a[key] !== undefined) {
                problems.push(`${key} is for a chart of a repository, but chart ${echo(a.chart)} is a path`);
            }
        }
    } else if (typeof a.chart === "string" && a.chart !== "kubefed") {
        problems.push(`chart ${echo(a.chart)} is neither a path (a chart directory or .tgz) nor "kubefed", the chart of KubeFed's repository`);
    }
    checkName(problems, "namespace", a.namespace, "label");
    if (a.releaseName !== undefined && !(isDNS1123Label(a.releaseName) && a.releaseName.length <= 53)) {
        problems.push(`releaseName ${echo(a.releaseName)} is not a Helm release name (a DNS-1123 label of at most 53 characters)`);
    }
    problems.push(...scopeProblems(a.scope));
    if (a.timeoutSeconds !== undefined && !(Number.isInteger(a.timeoutSeconds) && a.timeoutSeconds > 0)) {
        problems.push(`timeoutSeconds ${echo(a.timeoutSeconds)} is not a positive integer`);
    }
    problems.push(...valuesProblems(a.values));
    if (typeof a.hostKubeconfig === "string") {
        problems.push(...hostKubeconfigProblems(a.hostKubeconfig).map((p) => `hostKubeconfig: ${p}`));
    }
    if (problems.length > 0) {
        throw new KubefedValidationError(componentName, problems);
    }
    return {
        chart: local ? { path: path.resolve(a.chart!) } : { name: "kubefed", repository: a.repository ?? KUBEFED_CHART_REPOSITORY, version: a.version ?? KUBEFED_CHART_VERSION },
        namespace: a.namespace ?? CONTROL_PLANE_DEFAULTS.namespace,
        scope: a.scope ?? CONTROL_PLANE_DEFAULTS.scope,
        releaseName: a.releaseName ?? CONTROL_PLANE_DEFAULTS.releaseName,
        timeoutSeconds: a.timeoutSeconds ?? CONTROL_PLANE_DEFAULTS.timeoutSeconds,
    };
}

/** The chart's values: the user's, with `global.scope` from `scope`. */
export function chartValues(settings: ControlPlaneSettings, values: { [key: string]: any } | undefined): { [key: string]: any } {
    const user = values ?? {};
    return { ...user, global: { ...(isPlainObject(user.global) ? user.global : {}), scope: settings.scope } };
}

/**
 * The namespace KubeFed runs in, labelled `name: <namespace>`: with scope "Namespaced", the chart's
 * admission webhooks select the namespace by that label, which Helm 2 set and Helm 3 no longer does.
 */
export function controlPlaneNamespace(settings: ControlPlaneSettings) {
    return { metadata: { name: settings.namespace, labels: { name: settings.namespace } } };
}

/** The Helm release's inputs, but the values. */
export function releaseInputs(settings: ControlPlaneSettings) {
    const chart = "path" in settings.chart ? { chart: settings.chart.path } : { chart: settings.chart.name, version: settings.chart.version, repositoryOpts: { repo: settings.chart.repository } };
    return {
        name: settings.releaseName,
        namespace: settings.namespace,
        ...chart,
        // The namespace is the component's (controlPlaneNamespace).
        createNamespace: false,
        timeout: settings.timeoutSeconds,
        // Helm waits for the Deployments (controller, webhook) to be available, and for the chart's
        // post-install Job (it writes the feature gates into the KubeFedConfig) to complete.
        skipAwait: false,
        waitForJobs: true,
        // A failed install is left for the next `up` to upgrade, not rolled back: what failed stays to be seen.
        atomic: false,
        maxHistory: 10,
    };
}

/** Whether the chart's values run a Deployment of that part of KubeFed (its replica count is not 0). */
export function runsReplicas(values: { [key: string]: any }, part: "controller" | "webhook"): boolean {
    const cm = isPlainObject(values.controllermanager) ? values.controllermanager : {};
    if (cm.enabled === false) {
        return false;
    }
    const replicas = isPlainObject(cm[part]) ? (cm[part] as { replicaCount?: unknown }).replicaCount : undefined;
    return replicas === undefined || replicas === null || Number(replicas) > 0;
}
