// Logical names: one place decides them (src/names.ts); no two valid configurations collide, and
// every child keeps its 0.1.0 name as an alias where that name was unambiguous.
import { LegacyAliases, names } from "../../src/names";
import { FederationRun, member, runFederation, workload } from "../helpers/mocks";

/** Every `type::name` registered more than once: the engine refuses those, the mocks do not. */
function duplicates(run: FederationRun): string[] {
    const seen = new Map<string, number>();
    for (const r of run.registrations) {
        seen.set(`${r.type}::${r.name}`, (seen.get(`${r.type}::${r.name}`) ?? 0) + 1);
    }
    return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

test("names that collided in 0.1.0 are distinct: members a and a-host, workloads a-b/c and a/b-c, member shop and namespace shop", async () => {
    const run = await runFederation({
        clusters: [member("a"), member("a-host"), member("shop")],
        workloads: [workload("c", "a-b"), workload("b-c", "a"), workload("web", "shop")],
    });
    expect(duplicates(run)).toEqual([]);
    // 3 members × (provider + 7 objects), the 2 documents, 3 namespaces × 2, 3 workloads × 2.
    expect(run.children).toHaveLength(3 * 8 + 2 + 3 * 2 + 3 * 2);
    // Where the old names collided, neither child claims them.
    const hostTokens = run.children.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.name.startsWith("fed/members/a"));
    expect(hostTokens.map((r) => [r.name, r.aliasNames]).sort()).toEqual([
        ["fed/members/a-host/host-token", ["fed-a-host-host-token"]],
        ["fed/members/a-host/token", []],
        ["fed/members/a/host-token", []],
        ["fed/members/a/token", ["fed-a-token"]],
    ].sort());
});

test("every child of a 0.1.0 configuration carries its old name as an alias, so an upgrade keeps every resource", async () => {
    const run = await runFederation({ clusters: [member("member1"), member("member2")], workloads: [workload("web", "shop", { totalReplicas: 2 })] });
    const renamed = run.children.filter((r) => r.type !== "pulumi:providers:kubernetes" && !["fed-config", "fed-kubeconfig"].includes(r.name));
    expect(renamed.map((r) => [r.type.split(":").pop(), r.name, r.aliasNames]).filter(([, name]) => String(name).includes("member1") || String(name).includes("shop"))).toEqual(
        expect.arrayContaining([
            ["NamespacePatch", "fed/members/member1/namespace", ["fed-member1-namespace"]],
            ["Secret", "fed/members/member1/host-token", ["fed-member1-host-token"]],
            ["KubeFedCluster", "fed/members/member1/kubefedcluster", ["fed-member1-kubefedcluster"]],
            ["NamespacePatch", "fed/namespaces/shop", ["fed-shop-namespace"]],
            ["FederatedNamespace", "fed/namespaces/shop", ["fed-shop-federatednamespace"]],
            ["FederatedDeployment", "fed/workloads/shop/web", ["fed-shop-web"]],
            ["ReplicaSchedulingPreference", "fed/workloads/shop/web", ["fed-shop-web-scheduling"]],
        ]),
    );
    expect(renamed.every((r) => r.aliasNames.length === 1)).toBe(true);
    // Providers and the two documents keep their names.
    expect(run.children.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.name)).toEqual(["fed-member1", "fed-member2"]);
});

test("LegacyAliases: an old name claimed by two children is nobody's", () => {
    const aliases = new LegacyAliases("fed", { members: ["a", "a-host"], memberParts: ["token", "host-token"], workloads: [] });
    expect(aliases.member("a", "host-token")).toEqual([]);
    expect(aliases.member("a-host", "token")).toEqual([]);
    expect(aliases.member("a-host", "host-token")).toEqual([{ name: "fed-a-host-host-token" }]);
    expect(names.member("fed", "a-host", "token")).toBe("fed/members/a-host/token");
});
