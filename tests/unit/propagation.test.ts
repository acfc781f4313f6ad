import { pendingMembers, propagationWarning } from "../../src/propagation";

// What KubeFed v0.10.0 writes while member2's kube-apiserver is down (ClusterNotReady) and member1 is up to date.
const oneDown = {
    conditions: [{ type: "Propagation", status: "False", reason: "CheckClusters" }],
    clusters: [{ name: "member2", status: "ClusterNotReady" }, { name: "member1" }, { name: "member0", status: "" }],
};

test("names each member KubeFed could not propagate to, with KubeFed's reason", () => {
    expect(pendingMembers(oneDown)).toEqual([{ member: "member2", reason: "ClusterNotReady" }]);
    expect(propagationWarning("FederatedDeployment", "shop/web", oneDown)).toBe(
        'FederatedDeployment shop/web: not yet propagated to member "member2" (KubeFed: ClusterNotReady); KubeFed propagates it once the member is Ready',
    );
    const two = { clusters: [{ name: "b", status: "ClusterNotReady" }, { name: "a", status: "UpdateFailed" }] };
    expect(propagationWarning("FederatedNamespace", "shop/shop", two)).toContain('members "a" (KubeFed: UpdateFailed), "b" (KubeFed: ClusterNotReady)');
});

test("nothing to say when every member is up to date, or being removed from a member that left the placement; the condition's reason when no member is named", () => {
    const removing = { conditions: [{ type: "Propagation", status: "False", reason: "CheckClusters" }], clusters: [{ name: "member1" }, { name: "member2", status: "WaitingForRemoval" }] };
    expect(propagationWarning("FederatedDeployment", "shop/web", removing)).toBeUndefined();
    expect(propagationWarning("FederatedDeployment", "shop/web", { conditions: [{ type: "Propagation", status: "True" }], clusters: [{ name: "member1" }] })).toBeUndefined();
    expect(propagationWarning("FederatedDeployment", "shop/web", undefined)).toBeUndefined();
    expect(propagationWarning("FederatedDeployment", "shop/web", { conditions: [{ type: "Propagation", status: "False", reason: "NamespaceNotFederated" }] })).toBe(
        "FederatedDeployment shop/web: not propagated (KubeFed: NamespaceNotFederated)",
    );
});
