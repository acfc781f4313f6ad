import { hostJoinObjects, joinNames, revisionOf, memberAccess, memberJoinObjects, readyWaitAnnotations } from "../../src/join";

const settings = { hostClusterName: "host", kubefedNamespace: "kube-federation-system", scope: "Cluster" as const, federationName: "federation", readyTimeoutSeconds: 120 };
const member1 = { name: "member1", labels: { region: "eu" } };

test("names follow kubefedctl, with a distinct host token Secret", () => {
    expect(joinNames("member1", { hostClusterName: "hub" })).toEqual({
        serviceAccount: "member1-hub",
        memberTokenSecret: "member1-hub",
        hostTokenSecret: "member1-hub-token",
        kubeFedCluster: "member1",
    });
});

test("in the member: the namespace, a service account, and a token Secret the token controller fills", () => {
    const objects = memberJoinObjects(member1, settings);
    expect(objects.namespace).toEqual({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-federation-system" } });
    expect(objects.serviceAccount).toMatchObject({
        kind: "ServiceAccount",
        metadata: { name: "member1-host", namespace: "kube-federation-system" },
        automountServiceAccountToken: false,
    });
    expect(objects.tokenSecret).toEqual({
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
            name: "member1-host",
            namespace: "kube-federation-system",
            annotations: { "kubernetes.io/service-account.name": "member1-host", "pulumi.com/waitFor": "jsonpath={.data.token}" },
        },
        type: "kubernetes.io/service-account-token",
    });
    expect(objects.rbac.map((o) => o.kind)).toEqual(["ClusterRole", "ClusterRoleBinding"]);
});

test("on the host: the token Secret and the KubeFedCluster pointing at it", () => {
    const { tokenSecret, kubeFedCluster } = hostJoinObjects(
        member1,
        settings,
        { tokenBase64: "dG9r", apiEndpoint: "https://m1:6443", caBundleBase64: "Q0E=", disabledTLSValidations: ["SubjectName"], proxyURL: "http://proxy:3128" },
    );
    expect(tokenSecret).toEqual({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "member1-host-token", namespace: "kube-federation-system" },
        type: "Opaque",
        data: { token: "dG9r" },
    });
    expect(kubeFedCluster).toEqual({
        apiVersion: "core.kubefed.io/v1beta1",
        kind: "KubeFedCluster",
        metadata: {
            name: "member1",
            namespace: "kube-federation-system",
            labels: { region: "eu", "kubefed-iac.io/federation": "federation" },
            annotations: { "kubefed-iac.io/token-secret": "member1-host", "pulumi.com/patchForce": "true" },
        },
        spec: {
            apiEndpoint: "https://m1:6443",
            caBundle: "Q0E=",
            secretRef: { name: "member1-host-token" },
            disabledTLSValidations: ["SubjectName"],
            proxyURL: "http://proxy:3128",
        },
    });
});

test("optional KubeFedCluster fields are left out when not given", () => {
    const { kubeFedCluster } = hostJoinObjects({ ...member1, labels: {} }, settings, {
        tokenBase64: "dG9r",
        apiEndpoint: "https://m1:6443",
        caBundleBase64: undefined,
        disabledTLSValidations: [],
        proxyURL: undefined,
    });
    expect(kubeFedCluster.metadata).toEqual({ name: "member1", namespace: "kube-federation-system", labels: { "kubefed-iac.io/federation": "federation" }, annotations: { "kubefed-iac.io/token-secret": "member1-host", "pulumi.com/patchForce": "true" } });
    expect(kubeFedCluster.spec).toEqual({ apiEndpoint: "https://m1:6443", secretRef: { name: "member1-host-token" } });
});

test("waitForReady waits for the KubeFedCluster of this revision to be Ready; the revision changes with what is applied, not with key order", () => {
    const kubeFedCluster = { spec: { apiEndpoint: "https://m1:6443", secretRef: { name: "s" } }, metadata: { labels: { a: "1", b: "2" }, annotations: { x: "y" } } };
    const revision = revisionOf(kubeFedCluster);
    expect(revision).toMatch(/^[0-9a-f]{16}$/);
    expect(revisionOf({ ...kubeFedCluster, metadata: { labels: { b: "2", a: "1" }, annotations: { x: "y" } } })).toBe(revision);
    expect(revisionOf({ ...kubeFedCluster, metadata: { labels: { a: "1" }, annotations: { x: "y" } } })).not.toBe(revision);
    expect(revisionOf({ ...kubeFedCluster, spec: { ...kubeFedCluster.spec, apiEndpoint: "https://m1:6444" } })).not.toBe(revision);
    expect(readyWaitAnnotations(revision, 30)).toEqual({
        "kubefed-iac.io/revision": revision,
        "pulumi.com/waitFor": JSON.stringify([`jsonpath={.metadata.annotations['kubefed-iac.io/revision']}=${revision}`, "condition=Ready"]),
        "pulumi.com/timeoutSeconds": "30",
    });
});

test("the host reaches the member with the service account's token, never the program's credentials", () => {
    const endpoint = { apiEndpoint: "https://m1:6443", serverAddressByClientCIDRs: [], disabledTLSValidations: ["*"] };
    expect(memberAccess(member1, settings, endpoint, Buffer.from("sa-token").toString("base64"), Buffer.from("PEM").toString("base64"))).toEqual({
        clusterName: "member1",
        userName: "member1-host",
        server: "https://m1:6443",
        caPem: "PEM",
        token: "sa-token",
        proxyURL: undefined,
        insecureSkipTLSVerify: true,
        disabledTLSValidations: ["*"],
    });
});
