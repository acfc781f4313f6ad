import * as path from "path";
import { chartValues, CONTROL_PLANE_DEFAULTS, KUBEFED_CHART_REPOSITORY, releaseInputs, runsReplicas, validateControlPlaneArgs } from "../../src/control-plane-release";
import { KubefedValidationError } from "../../src/validate";
import { fixtureKubeconfig, member, promiseOf, runFederation } from "../helpers/mocks";

// A chart directory: what the tests give as `chart` (any directory with a Chart.yaml).
const CHART = path.join(__dirname, "..", "fixtures", "chart-stub");
const RELEASE = "kubernetes:helm.sh/v3:Release";

describe("validateControlPlaneArgs", () => {
    test("defaults: KubeFed's chart 0.10.0 from its repository, into kube-federation-system, scope Cluster", () => {
        const settings = validateControlPlaneArgs("cp", undefined);
        expect(settings).toEqual({
            chart: { name: "kubefed", repository: KUBEFED_CHART_REPOSITORY, version: "0.10.0" },
            namespace: "kube-federation-system",
            scope: "Cluster",
            releaseName: "kubefed",
            timeoutSeconds: CONTROL_PLANE_DEFAULTS.timeoutSeconds,
        });
        expect(releaseInputs(settings)).toMatchObject({ chart: "kubefed", version: "0.10.0", repositoryOpts: { repo: KUBEFED_CHART_REPOSITORY }, createNamespace: false, skipAwait: false, waitForJobs: true });
    });

    test("a local chart is taken as an absolute path, without repository or version", () => {
        const settings = validateControlPlaneArgs("cp", { chart: path.relative(process.cwd(), CHART) });
        expect(settings.chart).toEqual({ path: CHART });
        const inputs = releaseInputs(settings);
        expect(inputs.chart).toBe(CHART);
        expect(inputs).not.toHaveProperty("version");
        expect(inputs).not.toHaveProperty("repositoryOpts");
    });

    test("every problem in one error, before anything is registered", () => {
        let error: unknown;
        try {
            validateControlPlaneArgs("cp", {
                chart: "/nowhere/kubefed",
                version: "0.9.0",
                namespace: "Not_A_Label",
                scope: "Everything" as any,
                releaseName: "x".repeat(54),
                timeoutSeconds: 0,
                values: { global: { scope: "Namespaced" } },
            });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(KubefedValidationError);
        const message = (error as Error).message;
        for (const expected of [
            'chart "/nowhere/kubefed" does not exist',
            'version is for a chart of a repository, but chart "/nowhere/kubefed" is a path',
            'namespace "Not_A_Label" is not a DNS-1123 label',
            'scope "Everything" is neither "Cluster" nor "Namespaced"',
            "releaseName",
            "timeoutSeconds 0 is not a positive integer",
            "values.global.scope is set: give the scope as `scope`",
        ]) {
            expect(message).toContain(expected);
        }
    });

    test("a directory without Chart.yaml, and a chart name other than KubeFed's, are refused", () => {
        expect(() => validateControlPlaneArgs("cp", { chart: __dirname })).toThrow(/is a directory without Chart.yaml: not a Helm chart/);
        expect(() => validateControlPlaneArgs("cp", { chart: "nginx" })).toThrow(/chart "nginx" is neither a path .* nor "kubefed"/);
    });
});

test("the chart's values: the user's, with global.scope from scope; the replica counts say what runs", () => {
    const settings = validateControlPlaneArgs("cp", { scope: "Namespaced" });
    const values = chartValues(settings, { global: { other: 1 }, controllermanager: { webhook: { replicaCount: 0 } } });
    expect(values).toEqual({ global: { other: 1, scope: "Namespaced" }, controllermanager: { webhook: { replicaCount: 0 } } });
    expect(runsReplicas(values, "controller")).toBe(true);
    expect(runsReplicas(values, "webhook")).toBe(false);
    expect(runsReplicas({ controllermanager: { enabled: false } }, "controller")).toBe(false);
});

describe("under Pulumi's mocks", () => {
    test("the control plane: its namespace, labelled for the chart's webhooks, then the release of the chart into it; its outputs", async () => {
        let outputs: Record<string, unknown> = {};
        const run = await runFederation((k8s) => {
            const { KubefedControlPlane } = require("../../src");
            const host = new k8s.Provider("host", { kubeconfig: fixtureKubeconfig("host") });
            const cp = new KubefedControlPlane("kubefed", { chart: CHART, namespace: "fed-system", scope: "Namespaced", values: { controllermanager: { webhook: { replicaCount: 0 } } } }, { provider: host });
            Promise.all([cp.namespace, cp.scope, cp.chartVersion, cp.revision, cp.controllerAvailable, cp.webhookAvailable].map(promiseOf)).then(
                ([namespace, scope, chartVersion, revision, controllerAvailable, webhookAvailable]) => (outputs = { namespace, scope, chartVersion, revision, controllerAvailable, webhookAvailable }),
            );
            return { controlPlane: cp, clusters: [] };
        });
        const namespace = run.children.find((r) => r.name === "kubefed/namespace")!;
        expect(namespace.type).toBe("kubernetes:core/v1:NamespacePatch");
        expect(namespace.inputs.metadata).toEqual({ name: "fed-system", labels: { name: "fed-system" } });
        const release = run.children.find((r) => r.name === "kubefed/release")!;
        expect(release.type).toBe(RELEASE);
        expect(release.inputs).toMatchObject({ name: "kubefed", namespace: "fed-system", chart: CHART, createNamespace: false, skipAwait: false, timeout: 300 });
        expect(release.inputs.values).toEqual({ controllermanager: { webhook: { replicaCount: 0 } }, global: { scope: "Namespaced" } });
        expect(release.dependencies).toContain(namespace.urn);
        expect(outputs).toEqual({ namespace: "fed-system", scope: "Namespaced", chartVersion: "0.0.6", revision: 1, controllerAvailable: true, webhookAvailable: false });
    });

    test("with hostKubeconfig: the teardown resource, after the release (destroy deletes it first), its kubeconfig a secret", async () => {
        const run = await runFederation(() => {
            const { KubefedControlPlane } = require("../../src");
            const cp = new KubefedControlPlane("kubefed", { chart: CHART, hostKubeconfig: fixtureKubeconfig("host") });
            return { controlPlane: cp, clusters: [] };
        });
        const release = run.children.find((r) => r.type === RELEASE)!;
        const teardown = run.children.find((r) => r.type === "kubefed:index:ControlPlaneTeardown")!;
        expect(teardown.name).toBe("kubefed/teardown");
        expect(teardown.dependencies).toContain(release.urn);
        expect(teardown.inputs.namespace).toBe("kube-federation-system");
        expect(teardown.secretPaths).toContain("hostKubeconfig");
        // The component's own inputs (stored in state) hold no kubeconfig.
        expect(JSON.stringify(run.registrations.find((r) => r.type === "kubefed:index:KubefedControlPlane")!.inputs)).toBe("{}");
    });

    test("a federation on it: its namespace and scope, and every child created after the control plane", async () => {
        const run = await runFederation((k8s) => {
            const { KubefedControlPlane } = require("../../src");
            const cp = new KubefedControlPlane("kubefed", { chart: CHART, namespace: "fed-system" });
            return { controlPlane: cp, clusters: [member("member1")], hostKubeconfig: fixtureKubeconfig("host") };
        });
        const release = run.registrations.find((r) => r.type === RELEASE)!;
        // All but the members' providers, which need nothing of KubeFed.
        const federationChildren = run.children.filter((r) => r.parent.endsWith("KubefedFederation::fed") && r.type !== "pulumi:providers:kubernetes");
        expect(federationChildren.length).toBeGreaterThan(5);
        for (const child of federationChildren) {
            expect({ child: child.name, dependsOnRelease: child.dependencies.includes(release.urn) }).toEqual({ child: child.name, dependsOnRelease: true });
        }
        const kubeFedCluster = run.children.find((r) => r.type === "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster")!;
        expect(kubeFedCluster.inputs.metadata.namespace).toBe("fed-system");
    });

    test("a kubefedNamespace or scope that differs from the control plane's is refused, naming both", async () => {
        await expect(
            runFederation(() => {
                const { KubefedControlPlane } = require("../../src");
                const cp = new KubefedControlPlane("kubefed", { chart: CHART, scope: "Namespaced" });
                return { controlPlane: cp, kubefedNamespace: "elsewhere", scope: "Cluster", clusters: [] };
            }),
        ).rejects.toThrow(/kubefedNamespace "elsewhere" differs from the namespace of controlPlane \("kube-federation-system"\)[\s\S]*scope "Cluster" differs from the scope of controlPlane \("Namespaced"\)/);
        await expect(runFederation({ controlPlane: {} as any, clusters: [] })).rejects.toThrow(/controlPlane must be a KubefedControlPlane/);
    });
});
