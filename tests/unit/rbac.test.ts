import { memberRBAC } from "../../src/rbac";

const names = { serviceAccount: "member1-host", namespace: "kube-federation-system" };
const subject = { kind: "ServiceAccount", name: "member1-host", namespace: "kube-federation-system" };

test("Cluster scope: a ClusterRole with full access and non-resource get, bound to the service account", () => {
    const [role, binding, ...rest] = memberRBAC("Cluster", names);
    expect(rest).toEqual([]);
    expect(role).toEqual({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "kubefed-controller-manager:member1-host" },
        rules: [
            { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
            { nonResourceURLs: ["*"], verbs: ["get"] },
        ],
    });
    expect(binding).toMatchObject({
        kind: "ClusterRoleBinding",
        metadata: { name: "kubefed-controller-manager:member1-host" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kubefed-controller-manager:member1-host" },
        subjects: [subject],
    });
});

test("Namespaced scope: a Role in the KubeFed namespace plus a health-check ClusterRole with lower-case verbs", () => {
    const objects = memberRBAC("Namespaced", names);
    expect(objects.map((o) => [o.kind, o.metadata.namespace, o.metadata.name])).toEqual([
        ["Role", "kube-federation-system", "kubefed-controller-manager:member1-host"],
        ["RoleBinding", "kube-federation-system", "kubefed-controller-manager:member1-host"],
        ["ClusterRole", undefined, "kubefed-controller-manager:kube-federation-system:healthcheck-member1-host"],
        ["ClusterRoleBinding", undefined, "kubefed-controller-manager:kube-federation-system:healthcheck-member1-host"],
    ]);
    expect(objects[0].rules).toEqual([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]);
    expect(objects[2].rules).toEqual([
        { nonResourceURLs: ["/healthz"], verbs: ["get"] },
        { apiGroups: [""], resources: ["nodes"], verbs: ["list"] },
    ]);
    expect(objects[1].roleRef).toMatchObject({ kind: "Role" });
    expect(objects[3].subjects).toEqual([subject]);
});
