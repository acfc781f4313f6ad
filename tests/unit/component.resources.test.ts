// Federated resources of every kind, registered under Pulumi's mocks: names, dependencies, secrets,
// types enabled as code, the propagation output.
import * as pulumi from "@pulumi/pulumi";
import { FederatedResourceArgs, KubefedFederationArgs } from "../../src";
import { byKind, find, member, notReadyMembers, runFederation, workload } from "../helpers/mocks";

jest.setTimeout(30_000);

const clusters = [member("member1", { labels: { region: "eu" } }), member("member2", { labels: { region: "us" } })];
const IMAGE = "/spec/template/spec/containers/0/image";
const deployment: FederatedResourceArgs = {
    object: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "api", namespace: "shop", labels: { app: "api" } },
        spec: { selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "api:1.0" }] } } },
    },
    overrides: [
        { clusters: ["member2"], patches: [{ path: IMAGE, value: "api:1.1-canary" }] },
        { clusterSelector: { region: "us" }, patches: [{ op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "REGION", value: "us" } }] },
    ],
};
const service: FederatedResourceArgs = { object: { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "shop" }, spec: { selector: { app: "api" }, ports: [{ port: 80 }] } } };
const configMap: FederatedResourceArgs = { object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "config" }, data: { mode: "live" } }, clusterSelector: { region: "eu" } };
const application = (extra: Partial<KubefedFederationArgs> = {}): KubefedFederationArgs => ({ clusters, resources: [deployment, service, configMap], ...extra });

const FED = "kubernetes:types.kubefed.io/v1beta1:";

afterEach(() => notReadyMembers.clear());

test("each resource is its Federated<Kind> under one logical name, in a federated namespace, placed explicitly, with the overrides resolved per member", async () => {
    const run = await runFederation(application());
    expect(byKind(run, `${FED}FederatedDeployment`).map((r) => r.name)).toEqual(["fed/resources/Deployment/shop/api"]);
    expect(byKind(run, `${FED}FederatedService`).map((r) => r.name)).toEqual(["fed/resources/Service/shop/api"]);
    const fd = find(run, `${FED}FederatedDeployment`, "api", "shop");
    expect(fd.inputs.spec.template).toEqual({ metadata: { labels: { app: "api" } }, spec: (deployment.object as any).spec });
    expect(fd.inputs.spec.placement).toEqual({ clusters: [{ name: "member1" }, { name: "member2" }] });
    expect(fd.inputs.spec.overrides).toEqual([
        { clusterName: "member2", clusterOverrides: [{ path: IMAGE, value: "api:1.1-canary" }, { op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "REGION", value: "us" } }] },
    ]);
    // By labels: only member1; its namespace is federated too, to every member.
    expect(find(run, `${FED}FederatedConfigMap`, "settings", "config").inputs.spec.placement).toEqual({ clusters: [{ name: "member1" }] });
    expect(byKind(run, `${FED}FederatedNamespace`).map((r) => r.inputs.metadata.name).sort()).toEqual(["config", "shop"]);
    // Each waits for its own revision, and depends on its namespace, the KubeFedClusters it is placed on and the kubeconfig Secret.
    expect(JSON.parse(fd.inputs.metadata.annotations["pulumi.com/waitFor"])).toEqual([expect.stringMatching(/^jsonpath=\{\.metadata\.annotations\['kubefed-iac\.io\/revision'\]\}=[0-9a-f]{16}$/), "jsonpath={.status.observedGeneration}"]);
    const urns = (type: string) => byKind(run, type).map((r) => r.urn);
    expect(fd.dependencies).toEqual(expect.arrayContaining([find(run, `${FED}FederatedNamespace`, "shop", "shop").urn, ...urns("kubernetes:core.kubefed.io/v1beta1:KubeFedCluster"), find(run, "kubernetes:core/v1:Secret", "kubefed-kubeconfig", "kube-system").urn]));
    expect(fd.afterUpdateHooks).toEqual(["fed-report-propagation"]);
});

test("a Secret's data stays a Pulumi secret, and so does any secret value in an object or a patch", async () => {
    const run = await runFederation(
        application({
            resources: [
                { object: { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "shop" }, stringData: { password: "p4ss" } } },
                { ...configMap, overrides: [{ clusters: ["member1"], patches: [{ path: "/data/token", value: pulumi.secret("t0ken") }] }] },
                service,
            ],
        }),
    );
    const secret = find(run, `${FED}FederatedSecret`, "db", "shop");
    expect(secret.inputs.spec.template).toEqual({ metadata: {}, stringData: { password: "p4ss" } });
    // The spec (template) is secret, and so is the revision hashed from it (in metadata).
    expect(secret.secretPaths).toEqual(["metadata", "spec"]);
    expect(secret.additionalSecretOutputs).toEqual(["spec"]);
    const cm = find(run, `${FED}FederatedConfigMap`, "settings", "config");
    expect(cm.secretPaths).toEqual(expect.arrayContaining(["spec"]));
    expect(cm.additionalSecretOutputs).toEqual(["spec"]);
    // Nothing secret in a plain Service: its spec stays readable in previews and outputs.
    const svc = find(run, `${FED}FederatedService`, "api", "shop");
    expect([svc.secretPaths, svc.additionalSecretOutputs]).toEqual([[], []]);
});

test("a type enabled as code: its federated CRD and FederatedTypeConfig, which the object of that type depends on", async () => {
    const run = await runFederation({
        clusters,
        federatedTypes: [{ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true }],
        resources: [{ object: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1", namespace: "shop" }, spec: { size: 3 } } }],
    });
    const [crd] = byKind(run, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
    const [config] = byKind(run, "kubernetes:core.kubefed.io/v1beta1:FederatedTypeConfig");
    expect([crd.name, config.name]).toEqual(["fed/types/widgets.example.com", "fed/types/widgets.example.com"]);
    expect(config.dependencies).toContain(crd.urn);
    const widget = find(run, `${FED}FederatedWidget`, "w1", "shop");
    expect(widget.name).toBe("fed/resources/Widget/shop/w1");
    expect(widget.dependencies).toContain(config.urn);
});

test("the propagation output: per resource and workload, per placed member, whether KubeFed propagated it and why not; no secret", async () => {
    notReadyMembers.add("member2");
    const run = await runFederation(application({ workloads: [workload("web", "shop")] }));
    expect(run.propagation).toEqual({
        "ConfigMap/config/settings": { members: { member1: { propagated: true } } },
        "Deployment/shop/api": { members: { member1: { propagated: true }, member2: { propagated: false, reason: "ClusterNotReady" } } },
        "Deployment/shop/web": { members: { member1: { propagated: true }, member2: { propagated: false, reason: "ClusterNotReady" } } },
        "Service/shop/api": { members: { member1: { propagated: true }, member2: { propagated: false, reason: "ClusterNotReady" } } },
    });
    expect(run.propagationSecret).toBe(false);
});

test("a workload and resources share a namespace: one host namespace and one FederatedNamespace", async () => {
    const run = await runFederation(application({ workloads: [workload("web", "shop")] }));
    expect(byKind(run, "kubernetes:core/v1:NamespacePatch").filter((r) => r.inputs.metadata.name === "shop")).toHaveLength(1);
    expect(byKind(run, `${FED}FederatedNamespace`).filter((r) => r.inputs.metadata.name === "shop")).toHaveLength(1);
});
