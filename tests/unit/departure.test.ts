import { leftInMember, unreachableDepartureWarning } from "../../src/departure";

const settings = { hostClusterName: "host", kubefedNamespace: "kube-federation-system", scope: "Cluster" as const };

test("what a join leaves in an unreachable member, by scope", () => {
    expect(leftInMember("member2", settings)).toEqual([
        "ServiceAccount kube-federation-system/member2-host (with its token Secrets)",
        "ClusterRole kubefed-controller-manager:member2-host",
        "ClusterRoleBinding kubefed-controller-manager:member2-host",
    ]);
    expect(leftInMember("member2", { ...settings, scope: "Namespaced" })).toEqual([
        "ServiceAccount kube-federation-system/member2-host (with its token Secrets)",
        "Role kube-federation-system/kubefed-controller-manager:member2-host",
        "RoleBinding kube-federation-system/kubefed-controller-manager:member2-host",
        "ClusterRole kubefed-controller-manager:kube-federation-system:healthcheck-member2-host",
        "ClusterRoleBinding kubefed-controller-manager:kube-federation-system:healthcheck-member2-host",
    ]);
});

test("the warning names the member, the reason, what stays, and the commands that delete it", () => {
    expect(unreachableDepartureWarning("member2", settings, "https://127.0.10.3:6443: connect ECONNREFUSED 127.0.10.3:6443")).toBe(
        'member "member2" leaves the federation while unreachable (https://127.0.10.3:6443: connect ECONNREFUSED 127.0.10.3:6443). The host no longer knows it; ' +
            "left in the member, no longer managed: ServiceAccount kube-federation-system/member2-host (with its token Secrets), ClusterRole kubefed-controller-manager:member2-host, " +
            "ClusterRoleBinding kubefed-controller-manager:member2-host. Once it is back (and unless it joins again), delete them there: " +
            "kubectl -n kube-federation-system delete serviceaccount/member2-host; kubectl delete clusterrole/kubefed-controller-manager:member2-host clusterrolebinding/kubefed-controller-manager:member2-host",
    );
});
