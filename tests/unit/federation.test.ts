import * as yaml from "js-yaml";
import { FederationMember, federationConfigMap, federationDocument, kubeconfigSecret, kubeconfigSecretData, renderFederationDocument } from "../../src/federation";
import { resolveContext } from "../../src/kubeconfig";

const members: FederationMember[] = [
    { name: "member2", labels: {}, replicas: 3, serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "https://m2:6443" }] },
    {
        name: "member1",
        labels: { region: "eu" },
        replicas: 1,
        serverAddressByClientCIDRs: [
            { clientCIDR: "10.0.0.0/8", serverAddress: "https://10.0.0.1:6443" },
            { clientCIDR: "0.0.0.0/0", serverAddress: "https://m1.example.com" },
        ],
    },
];

test("the federation document lists the members sorted by name, labels only when given", () => {
    expect(federationDocument("prod", members)).toEqual({
        apiVersion: "federation/v1beta1",
        kind: "Federation",
        metadata: { name: "prod" },
        spec: {
            clusters: [
                { clusterName: "member1", serverAddressByClientCIDRs: members[1].serverAddressByClientCIDRs, labels: { region: "eu" }, replicas: 1 },
                { clusterName: "member2", serverAddressByClientCIDRs: members[0].serverAddressByClientCIDRs, replicas: 3 },
            ],
        },
    });
});

test("the ConfigMap's kubefed.yaml parses back to the document, whatever the members' order", () => {
    const text = renderFederationDocument("prod", members);
    expect(renderFederationDocument("prod", [...members].reverse())).toBe(text);
    const configMap = federationConfigMap({ configMapName: "kubefed-config", configNamespace: "kube-system" }, text);
    expect(configMap.metadata).toEqual({ name: "kubefed-config", namespace: "kube-system" });
    expect(yaml.load((configMap.data as Record<string, string>)["kubefed.yaml"])).toEqual(federationDocument("prod", members));
});

test("the kubeconfig Secret has one kubeconfig per member, each reaching that member", () => {
    const data = kubeconfigSecretData([
        { clusterName: "member2", userName: "member2-host", server: "https://m2:6443", token: "t2" },
        { clusterName: "member1", userName: "member1-host", server: "https://m1:6443", token: "t1" },
    ]);
    expect(Object.keys(data)).toEqual(["kubeconfig-member1", "kubeconfig-member2"]);
    const member2 = Buffer.from(data["kubeconfig-member2"], "base64").toString("utf8");
    expect(resolveContext(member2).server).toBe("https://m2:6443");
    expect((yaml.load(member2) as any).users[0].user.token).toBe("t2");
    expect(kubeconfigSecret({ kubeconfigSecretName: "kubefed-kubeconfig", configNamespace: "kube-system" }, data)).toEqual({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "kubefed-kubeconfig", namespace: "kube-system" },
        type: "Opaque",
        data,
    });
});
