// Bad `resources` and `federatedTypes`: refused before anything is registered, in the one error.
import { FederatedResourceArgs, KubefedFederationArgs } from "../../src";
import { isJSONPointer } from "../../src/validate-resources";
import { validateFederationArgs } from "../../src/validate";
import { member, workload } from "../helpers/mocks";

const clusters = [member("member1", { labels: { region: "eu" } }), member("member2", { labels: { region: "us" } })];
const configMap = (extra: Partial<FederatedResourceArgs> = {}, metadata: object = { name: "settings", namespace: "shop" }): FederatedResourceArgs => ({
    object: { apiVersion: "v1", kind: "ConfigMap", metadata: metadata as any, data: { a: "b" } },
    ...extra,
});
const widgetType = { group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true };
const args = (extra: Partial<KubefedFederationArgs>): KubefedFederationArgs => ({ clusters, ...extra });
const problemsOf = (a: KubefedFederationArgs): string[] => {
    try {
        validateFederationArgs("fed", a);
        return [];
    } catch (e) {
        return (e as { problems: string[] }).problems;
    }
};

const bad: [string, Partial<KubefedFederationArgs>, string][] = [
    ["a kind neither enabled by default nor in federatedTypes", { resources: [{ object: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "shop" } } }] }, 'resource "Widget/shop/w": kind "example.com/v1 Widget" is not federated: neither one of the types KubeFed enables'],
    ["a known kind of another apiVersion", { resources: [{ object: { apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "i", namespace: "shop" } } }] }, 'resource "Ingress/shop/i": apiVersion "extensions/v1beta1" of kind Ingress is not the one federated (networking.k8s.io/v1)'],
    ["a namespaced kind without a namespace", { resources: [configMap({}, { name: "settings" })] }, 'resource "ConfigMap/settings": metadata.namespace undefined is missing or not a DNS-1123 label (ConfigMap is namespaced)'],
    ["a cluster-scoped kind with a namespace", { resources: [{ object: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "reader", namespace: "shop" } } }] }, 'resource "ClusterRole/shop/reader": metadata.namespace "shop" is given, but ClusterRole is cluster-scoped'],
    ["two resources of the same kind, namespace and name", { resources: [configMap(), configMap()] }, 'resource "ConfigMap/shop/settings": is declared more than once'],
    ["a resource that is also a workload", { workloads: [workload("web", "shop")], resources: [{ object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" }, spec: {} } }] }, 'resource "Deployment/shop/web": is also a workload of the same namespace and name'],
    ["a patch path that is not a JSON pointer", { resources: [configMap({ overrides: [{ clusters: ["member1"], patches: [{ path: "data.a", value: "x" }] }] })] }, 'resource "ConfigMap/shop/settings": overrides[0]: patches[0]: path "data.a" is not a JSON pointer'],
    ["a bad escape in a JSON pointer", { resources: [configMap({ overrides: [{ clusters: ["member1"], patches: [{ path: "/metadata/annotations/a~2b", value: "x" }] }] })] }, "is not a JSON pointer"],
    ["an op outside add/remove/replace", { resources: [configMap({ overrides: [{ clusters: ["member1"], patches: [{ op: "move" as any, path: "/data/a", value: "x" }] }] })] }, 'overrides[0]: patches[0]: op "move" is not one of "add", "remove", "replace"'],
    ["a replace without a value", { resources: [configMap({ overrides: [{ clusters: ["member1"], patches: [{ path: "/data/a" }] }] })] }, 'overrides[0]: patches[0]: op "replace" needs a value'],
    ["an add without a value", { resources: [configMap({ overrides: [{ clusters: ["member1"], patches: [{ op: "add", path: "/data/b" }] }] })] }, 'patches[0]: op "add" needs a value'],
    ["a rule naming a member that is not placed", { resources: [configMap({ clusters: ["member1"], overrides: [{ clusters: ["member2"], patches: [{ path: "/data/a", value: "x" }] }] })] }, 'overrides[0]: clusters names "member2", which is not a member this resource is placed on'],
    ["a rule whose selector matches no placed member", { resources: [configMap({ clusterSelector: { region: "eu" }, overrides: [{ clusterSelector: { region: "us" }, patches: [{ path: "/data/a", value: "x" }] }] })] }, 'overrides[0]: clusterSelector {"region":"us"} matches no member this resource is placed on'],
    ["a rule that names no member", { resources: [configMap({ overrides: [{ patches: [{ path: "/data/a", value: "x" }] }] })] }, "overrides[0]: names no member: give clusters or clusterSelector"],
    ["a rule without patches", { resources: [configMap({ overrides: [{ clusters: ["member1"], patches: [] }] })] }, "overrides[0]: patches must list at least one patch"],
    ["a placement on a non-member", { resources: [configMap({ clusters: ["member9"] })] }, 'resource "ConfigMap/shop/settings": clusters names "member9", which is not a member'],
    ["a placement selector that matches no member", { resources: [configMap({ clusterSelector: { region: "ap" } })] }, 'clusterSelector {"region":"ap"} matches no member'],
    ["an empty placement", { resources: [configMap({ clusters: [] })] }, "clusters is empty: the resource would be placed on no member"],
    ["a Namespace", { resources: [{ object: { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } } }] }, "a Namespace is federated by the component itself"],
    ["a resource in the KubeFed namespace", { resources: [configMap({}, { name: "s", namespace: "kube-federation-system" })] }, 'metadata.namespace "kube-federation-system" is the KubeFed namespace'],
    ["a federatedType the chart enables already", { federatedTypes: [{ group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true }] }, 'federatedTypes "apps/Deployment": is enabled by KubeFed\'s chart already'],
    ["a federatedType listed twice", { federatedTypes: [widgetType, widgetType] }, 'federatedTypes "example.com/Widget": is listed more than once'],
    ["a federatedType with a bad plural and version", { federatedTypes: [{ ...widgetType, plural: "Widgets", version: "one" }] }, 'plural "Widgets" is not a resource name'],
    ["resources with scope Namespaced", { scope: "Namespaced", resources: [configMap()] }, 'resources need scope "Cluster"'],
    ["resources that is not an array", { resources: {} as any }, "resources must be a plain array"],
];

test.each(bad)("%s is refused, naming the resource", (_what, extra, expected) => {
    const problems = problemsOf(args(extra));
    expect(problems.join("\n")).toContain(expected);
});

test("every problem of every resource comes in the one error", () => {
    const problems = problemsOf(
        args({
            resources: [
                configMap({ overrides: [{ clusters: ["member1"], patches: [{ path: "nope" }] }] }),
                { object: { apiVersion: "v1", kind: "Thing", metadata: { name: "t", namespace: "shop" } } },
            ],
        }),
    );
    expect(problems).toEqual([
        expect.stringContaining('resource "ConfigMap/shop/settings": overrides[0]: patches[0]: path "nope" is not a JSON pointer'),
        expect.stringContaining('resource "ConfigMap/shop/settings": overrides[0]: patches[0]: op "replace" needs a value'),
        expect.stringContaining('resource "Thing/shop/t": kind "v1 Thing" is not federated'),
    ]);
});

test("valid resources pass: the chart's kinds, a type enabled here, overrides by name and labels", () => {
    const validated = validateFederationArgs(
        "fed",
        args({
            federatedTypes: [widgetType],
            resources: [
                configMap({ overrides: [{ clusters: ["member2"], patches: [{ path: "/data/a", value: "x" }, { op: "remove", path: "/data/b" }] }] }),
                { object: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "shop" }, spec: {} }, clusterSelector: { region: "us" } },
                { object: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "reader" }, rules: [] } },
            ],
        }),
    );
    expect(validated.resources.map((r) => [r.key, r.type.federatedKind])).toEqual([
        ["ClusterRole/reader", "FederatedClusterRole"],
        ["ConfigMap/shop/settings", "FederatedConfigMap"],
        ["Widget/shop/w", "FederatedWidget"],
    ]);
});

test("JSON pointers as RFC 6901 has them", () => {
    expect(["/a", "/a/0", "/a/-", "/metadata/annotations/example.com~1x", "/a~0b"].every(isJSONPointer)).toBe(true);
    expect(["", "/", "a/b", "/a~", "/a~2", 5].some(isJSONPointer)).toBe(false);
});
