// Federated resources as plain objects: override resolution, templates, the federated types.
import { DEFAULT_TYPES, federatedCRD, federatedTypeConfig, knownTypes, typeConfigName, typeOf } from "../../src/federated-types";
import { federatedObject, resolveOverrides, resourceKey, templateOf } from "../../src/resources";
import { crdValidator } from "../helpers/mocks";

const members: { name: string; labels: { [key: string]: string }; replicas: number }[] = [
    { name: "member1", labels: { region: "eu" }, replicas: 1 },
    { name: "member2", labels: { region: "us" }, replicas: 2 },
    { name: "member3", labels: { region: "us", tier: "canary" }, replicas: 1 },
];
const IMAGE = "/spec/template/spec/containers/0/image";

describe("resolveOverrides", () => {
    test("a rule by name and a rule by labels become KubeFed's overrides of exactly the members they target, in member order", () => {
        expect(
            resolveOverrides(members, [
                { clusters: ["member2"], patches: [{ path: IMAGE, value: "web:1.1-canary" }] },
                { clusterSelector: { region: "us" }, patches: [{ op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "REGION", value: "us" } }] },
            ]),
        ).toEqual([
            { clusterName: "member2", clusterOverrides: [{ path: IMAGE, value: "web:1.1-canary" }, { op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "REGION", value: "us" } }] },
            { clusterName: "member3", clusterOverrides: [{ op: "add", path: "/spec/template/spec/containers/0/env/-", value: { name: "REGION", value: "us" } }] },
        ]);
    });

    test("rules apply in order: a later rule wins on the same path, and comes after what it follows", () => {
        const overrides = resolveOverrides(members, [
            { clusterSelector: { region: "us" }, patches: [{ path: IMAGE, value: "web:1.1" }, { path: "/spec/replicas", value: 5 }] },
            { clusters: ["member3"], patches: [{ path: IMAGE, value: "web:2.0-canary" }] },
        ]);
        expect(overrides).toEqual([
            { clusterName: "member2", clusterOverrides: [{ path: IMAGE, value: "web:1.1" }, { path: "/spec/replicas", value: 5 }] },
            { clusterName: "member3", clusterOverrides: [{ path: "/spec/replicas", value: 5 }, { path: IMAGE, value: "web:2.0-canary" }] },
        ]);
    });

    test("remove takes no value; replace is KubeFed's default op and is left out; a member no rule targets has no entry", () => {
        expect(resolveOverrides(members, [{ clusters: ["member1"], patches: [{ op: "remove", path: "/metadata/annotations/x" }, { op: "replace", path: "/spec/replicas", value: 0 }] }])).toEqual([
            { clusterName: "member1", clusterOverrides: [{ op: "remove", path: "/metadata/annotations/x" }, { path: "/spec/replicas", value: 0 }] },
        ]);
        expect(resolveOverrides(members, [])).toEqual([]);
    });

    test("a rule only reaches placed members; per-member base overrides (a workload's replicas) come first", () => {
        const placed = members.slice(0, 2);
        expect(
            resolveOverrides(placed, [{ clusterSelector: { region: "us" }, patches: [{ path: "/spec/replicas", value: 9 }] }], (m) => [{ path: "/spec/replicas", value: m.replicas }]),
        ).toEqual([
            { clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 1 }] },
            { clusterName: "member2", clusterOverrides: [{ path: "/spec/replicas", value: 9 }] },
        ]);
    });
});

test("the template is the object but apiVersion, kind, name, namespace and status; labels and annotations stay", () => {
    const object = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop", labels: { app: "web" }, annotations: { a: "b" } }, spec: { ports: [{ port: 80 }] }, status: {} };
    expect(templateOf(object)).toEqual({ metadata: { labels: { app: "web" }, annotations: { a: "b" } }, spec: { ports: [{ port: 80 }] } });
    expect(templateOf({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "shop" }, data: { k: "v" } })).toEqual({ metadata: {}, data: { k: "v" } });
    expect(resourceKey(object)).toBe("Service/shop/web");
    expect(resourceKey({ kind: "ClusterRole", metadata: { name: "reader" } })).toBe("ClusterRole/reader");
});

test("a federated object: Federated<Kind> of types.kubefed.io/v1beta1, explicit placement, overrides only when there are some", () => {
    const service = typeOf(DEFAULT_TYPES, "v1", "Service")!;
    const object = federatedObject(service, { name: "web", namespace: "shop" }, { spec: {} }, members.slice(0, 2), [], { propagationTimeoutSeconds: 90 });
    expect(object).toEqual({
        apiVersion: "types.kubefed.io/v1beta1",
        kind: "FederatedService",
        metadata: { name: "web", namespace: "shop", annotations: { "pulumi.com/waitFor": "jsonpath={.status.observedGeneration}", "pulumi.com/timeoutSeconds": "90" } },
        spec: { template: { spec: {} }, placement: { clusters: [{ name: "member1" }, { name: "member2" }] } },
    });
    const validate = crdValidator("federated-type-crds.yaml", "FederatedService");
    expect(validate(object)).toBe(true);
});

test("the chart's types are known by apiVersion and kind; a program's own types join them", () => {
    expect(DEFAULT_TYPES.map((t) => t.kind).sort()).toEqual(["ClusterRole", "ConfigMap", "Deployment", "Ingress", "Job", "ReplicaSet", "Secret", "Service", "ServiceAccount"]);
    expect(typeOf(DEFAULT_TYPES, "networking.k8s.io/v1", "Ingress")?.federatedKind).toBe("FederatedIngress");
    expect(typeOf(DEFAULT_TYPES, "extensions/v1beta1", "Ingress")).toBeUndefined();
    const widget = typeOf(knownTypes([{ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true }]), "example.com/v1", "Widget")!;
    expect([widget.federatedKind, widget.federatedPlural, widget.enabledHere, typeConfigName(widget)]).toEqual(["FederatedWidget", "federatedwidgets", true, "widgets.example.com"]);
});

test("a type enabled as code: the federated CRD and a FederatedTypeConfig that KubeFed v0.10.0's CRD schema accepts", () => {
    const [widget] = knownTypes([{ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true }]).filter((t) => t.enabledHere);
    const crd = federatedCRD(widget) as any;
    expect(crd.metadata.name).toBe("federatedwidgets.types.kubefed.io");
    expect(crd.spec.names).toEqual({ kind: "FederatedWidget", listKind: "FederatedWidgetList", plural: "federatedwidgets", singular: "federatedwidget" });
    expect(crd.spec.scope).toBe("Namespaced");
    expect(crd.spec.versions[0].subresources).toEqual({ status: {} });
    const config = federatedTypeConfig(widget, "kube-federation-system") as any;
    expect(config.metadata).toEqual({ name: "widgets.example.com", namespace: "kube-federation-system" });
    expect(config.spec.targetType).toEqual({ group: "example.com", kind: "Widget", pluralName: "widgets", scope: "Namespaced", version: "v1" });
    const validate = crdValidator("core-crds.yaml", "FederatedTypeConfig");
    expect(validate(config)).toBe(true);
    // A cluster-scoped type in the core group: no group, scope Cluster in both.
    const [node] = knownTypes([{ group: "", version: "v1", kind: "PersistentVolume", plural: "persistentvolumes", namespaced: false }]).filter((t) => t.enabledHere);
    const pv = federatedTypeConfig(node, "kube-federation-system") as any;
    expect([pv.metadata.name, pv.spec.targetType.group, pv.spec.federatedType.scope]).toEqual(["persistentvolumes", undefined, "Cluster"]);
    expect(validate(pv)).toBe(true);
});
