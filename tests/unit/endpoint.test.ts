import * as yaml from "js-yaml";
import { caBundleBase64, resolveMemberEndpoint } from "../../src/endpoint";
import { b64, fixtureCA, fixtureKubeconfig, fixtureServer } from "../helpers/mocks";

const kubeconfig = fixtureKubeconfig("member1");

test("defaults: the context's server, its CA, and one 0.0.0.0/0 address", () => {
    const endpoint = resolveMemberEndpoint("member1", { kubeconfig });
    expect(endpoint).toEqual({
        apiEndpoint: fixtureServer("member1"),
        caPem: fixtureCA("member1"),
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: fixtureServer("member1") }],
        disabledTLSValidations: [],
    });
    expect(caBundleBase64(endpoint, "VE9LRU4gQ0E=")).toBe(b64(fixtureCA("member1")));
});

test("the first serverAddress is the default apiEndpoint; an explicit apiEndpoint and caBundle win", () => {
    const addresses = [{ clientCIDR: "10.0.0.0/8", serverAddress: "https://10.1.1.1" }];
    expect(resolveMemberEndpoint("member1", { kubeconfig, serverAddressByClientCIDRs: addresses }).apiEndpoint).toBe("https://10.1.1.1");
    const explicit = resolveMemberEndpoint("member1", { kubeconfig, serverAddressByClientCIDRs: addresses, apiEndpoint: "https://lb.example", caBundle: fixtureCA("member2") });
    expect(explicit).toEqual({ apiEndpoint: "https://lb.example", caPem: fixtureCA("member2"), serverAddressByClientCIDRs: addresses, disabledTLSValidations: [] });
});

test("deploy-time values get the same checks, naming the member", () => {
    expect(() => resolveMemberEndpoint("m9", { kubeconfig: "nope: [" })).toThrow('member "m9": kubeconfig is not valid YAML');
    expect(() => resolveMemberEndpoint("m9", { kubeconfig, context: "x" })).toThrow('member "m9": kubeconfig has no context "x"');
    expect(() => resolveMemberEndpoint("m9", { kubeconfig, apiEndpoint: "m9:6443" })).toThrow('member "m9": apiEndpoint "m9:6443" is not an http(s) URL with a host');
    expect(() => resolveMemberEndpoint("m9", { kubeconfig, caBundle: "abc" })).toThrow('member "m9": caBundle is not a PEM-encoded certificate');
});

describe("kubefedctl join's defaults from the kubeconfig", () => {
    /** member1's fixture kubeconfig with its cluster entry changed. */
    const withCluster = (change: (cluster: Record<string, unknown>) => void) => {
        const doc = yaml.load(kubeconfig) as any;
        change(doc.clusters[0].cluster);
        return yaml.dump(doc);
    };

    test("a CA named by file: the token Secret's ca.crt is the KubeFedCluster's CA", () => {
        const byFile = withCluster((c) => {
            delete c["certificate-authority-data"];
            c["certificate-authority"] = "/home/user/.minikube/ca.crt";
        });
        const endpoint = resolveMemberEndpoint("member1", { kubeconfig: byFile });
        expect(endpoint.caPem).toBeUndefined();
        expect(caBundleBase64(endpoint, "VE9LRU4gQ0E=")).toBe("VE9LRU4gQ0E=");
        expect(caBundleBase64(endpoint, undefined)).toBeUndefined(); // neither: the host's system roots
    });

    test("insecure-skip-tls-verify: every TLS validation off, and no CA; the member's own list wins", () => {
        const insecure = withCluster((c) => {
            delete c["certificate-authority-data"];
            c["insecure-skip-tls-verify"] = true;
        });
        const endpoint = resolveMemberEndpoint("member1", { kubeconfig: insecure });
        expect(endpoint.disabledTLSValidations).toEqual(["*"]);
        expect(caBundleBase64(endpoint, "VE9LRU4gQ0E=")).toBeUndefined();
        expect(resolveMemberEndpoint("member1", { kubeconfig: insecure, disabledTLSValidations: ["SubjectName"] }).disabledTLSValidations).toEqual(["SubjectName"]);
    });

    test("proxy-url is the proxy, unless the member gives one; one with credentials is refused, naming the member", () => {
        const proxied = withCluster((c) => (c["proxy-url"] = "socks5://bastion.example:1080"));
        expect(resolveMemberEndpoint("member1", { kubeconfig: proxied }).proxyURL).toBe("socks5://bastion.example:1080");
        expect(resolveMemberEndpoint("member1", { kubeconfig: proxied, proxyURL: "http://p:3128" }).proxyURL).toBe("http://p:3128");
        const withPassword = withCluster((c) => (c["proxy-url"] = "http://user:s3cret@proxy.example:3128"));
        expect(() => resolveMemberEndpoint("member1", { kubeconfig: withPassword })).toThrow(
            'member "member1": kubeconfig context "member1" has proxy-url "http://***@proxy.example:3128" carries credentials: KubeFed reads the proxy from the KubeFedCluster\'s spec',
        );
        expect(() => resolveMemberEndpoint("member1", { kubeconfig: withPassword })).not.toThrow(/s3cret/);
    });
});
