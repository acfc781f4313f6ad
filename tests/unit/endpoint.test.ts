import * as yaml from "js-yaml";
import { caBundleBase64, EndpointInputs, MemberEndpointError, resolveMemberEndpoint, resolveMemberEndpoints } from "../../src/endpoint";
import { KubefedValidationError, validateFederationArgs } from "../../src/validate";
import { b64, fixtureCA, fixtureKubeconfig, fixtureKubeconfigWith, fixturePrivateKey, fixtureServer } from "../helpers/mocks";

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
            'member "member1": kubeconfig context "member1": proxy-url "http://***@proxy.example:3128" carries credentials: KubeFed reads the proxy from the KubeFedCluster\'s spec',
        );
        expect(() => resolveMemberEndpoint("member1", { kubeconfig: withPassword })).not.toThrow(/s3cret/);
        // Refused even when the member gives its own proxy: the member's provider (client-go) uses it.
        expect(() => resolveMemberEndpoint("member1", { kubeconfig: withPassword, proxyURL: "http://p:3128" })).toThrow("carries credentials");
    });
});

/** member1's fixture kubeconfig with its (current) cluster entry changed. */
const m1Cluster = (change: (cluster: Record<string, unknown>) => void) => fixtureKubeconfigWith("m1", (doc) => change(doc.clusters[0].cluster));

// Inputs only known at deploy time get validate.ts's rules: each row is refused by
// resolveMemberEndpoints with the line given, and validateFederationArgs refuses the same inputs,
// given as plain values, with the very same line.
const deployTimeRows: [string, Partial<EndpointInputs>, string][] = [
    ["newline in the apiEndpoint's host", { apiEndpoint: "https://m1.example\n:6443" }, 'member "m1": apiEndpoint "https://m1.example…" is not an http(s) URL with a host: it contains a control character'],
    ["leading space in the apiEndpoint", { apiEndpoint: " https://m1.example" }, 'member "m1": apiEndpoint " https://m1.example" is not an http(s) URL with a host: it begins or ends with whitespace'],
    ["apiEndpoint without '//'", { apiEndpoint: "https:m1.example" }, 'member "m1": apiEndpoint "https:m1.example" is not an http(s) URL with a host: it has no "//" after the scheme, so no host'],
    ["apiEndpoint with full-width digits", { apiEndpoint: "https://１２７.0.0.1" }, 'member "m1": apiEndpoint "https://１２７.0.0.1" is not an http(s) URL with a host: its host has non-ASCII characters'],
    ["apiEndpoint whose port is too large", { apiEndpoint: "https://m1.example:70000" }, 'member "m1": apiEndpoint "https://m1.example:70000" is not an http(s) URL with a host: its port is not a number from 0 to 65535'],
    ["userinfo in the apiEndpoint", { apiEndpoint: "https://admin:pw@m1.example:6443" }, 'member "m1": apiEndpoint "https://***@m1.example:6443" carries user information'],
    ["userinfo in a serverAddress", { serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "https://admin:pw@10.0.0.1" }] }, 'member "m1": serverAddressByClientCIDRs[0].serverAddress "https://***@10.0.0.1" carries user information'],
    ["userinfo in the kubeconfig's server", { kubeconfig: m1Cluster((c) => (c.server = "https://admin:pw@m1.example.com:6443")) }, 'member "m1": kubeconfig context "m1": server "https://***@m1.example.com:6443" carries user information'],
    ["the kubeconfig's server without '//'", { kubeconfig: m1Cluster((c) => (c.server = "https:m1.example.com")) }, 'member "m1": kubeconfig context "m1": server "https:m1.example.com" is not an http(s) URL with a host'],
    ["clientCIDR 10/8", { serverAddressByClientCIDRs: [{ clientCIDR: "10/8", serverAddress: "https://10.0.0.1" }] }, 'member "m1": serverAddressByClientCIDRs[0].clientCIDR "10/8" is not an IPv4 or IPv6 CIDR'],
    ["clientCIDR with leading zeros", { serverAddressByClientCIDRs: [{ clientCIDR: "010.0.0.0/8", serverAddress: "https://10.0.0.1" }] }, 'clientCIDR "010.0.0.0/8" is not an IPv4 or IPv6 CIDR'],
    ["clientCIDR with a zone", { serverAddressByClientCIDRs: [{ clientCIDR: "fe80::1%eth0/64", serverAddress: "https://10.0.0.1" }] }, 'clientCIDR "fe80::1%eth0/64" is not an IPv4 or IPv6 CIDR: its address has a zone'],
    ["proxyURL with credentials", { proxyURL: "http://u:pw@proxy.example:3128" }, 'member "m1": proxyURL "http://***@proxy.example:3128" carries credentials'],
    ["kubeconfig CA data that is not base64", { kubeconfig: m1Cluster((c) => (c["certificate-authority-data"] = "not base64!")) }, 'member "m1": kubeconfig cluster "m1": certificate-authority-data is not base64'],
    ["kubeconfig CA data that is not a certificate", { kubeconfig: m1Cluster((c) => (c["certificate-authority-data"] = b64("hello"))) }, 'member "m1": kubeconfig cluster "m1": certificate-authority-data does not hold PEM-encoded certificates: it holds no PEM CERTIFICATE block'],
    ["caBundle of a certificate and a private key", { caBundle: fixtureCA("member1") + fixturePrivateKey() }, 'member "m1": caBundle is not a PEM-encoded certificate or bundle of certificates: PEM block 2 is a private key (not shown)'],
    ["kubeconfig with duplicate context names", { kubeconfig: fixtureKubeconfigWith("m1", (doc) => (doc.contexts[1].name = "m1")) }, 'member "m1": kubeconfig lists more than one context named "m1" (client-go refuses duplicate names)'],
    ["kubeconfig with insecure-skip-tls-verify and a CA", { kubeconfig: m1Cluster((c) => (c["insecure-skip-tls-verify"] = true)) }, 'member "m1": kubeconfig cluster "m1": insecure-skip-tls-verify is set together with a CA (certificate-authority-data), which client-go refuses'],
    ["kubeconfig that is not valid YAML", { kubeconfig: "clusters: [unclosed" }, 'member "m1": kubeconfig is not valid YAML: unexpected end of the stream within a flow collection at line 2, column 1'],
];

describe("deploy-time values get validate.ts's rules", () => {
    test.each(deployTimeRows)("%s", (_what, inputs, expected) => {
        const given = { name: "m1", kubeconfig: fixtureKubeconfig("m1"), ...inputs };
        const { endpoints, problems } = resolveMemberEndpoints([given]);
        expect(endpoints.size).toBe(0);
        const line = problems.find((p) => p.includes(expected));
        expect(line).toBeDefined();
        // validate.ts, on the same inputs as plain values: the same line.
        let plain: KubefedValidationError | undefined;
        try {
            validateFederationArgs("fed", { clusters: [given as never] });
        } catch (e) {
            plain = e as KubefedValidationError;
        }
        expect(plain?.problems).toContain(line);
    });

    test("every problem of every member is collected, one line each; good members still resolve", () => {
        const { endpoints, problems } = resolveMemberEndpoints([
            { name: "m1", kubeconfig: fixtureKubeconfig("m1"), apiEndpoint: "https://u@m1.example", caBundle: "nope" },
            { name: "m2", kubeconfig: fixtureKubeconfig("m2") },
            { name: "m3", kubeconfig: fixtureKubeconfigWith("m3", (doc) => (doc.clusters[1].name = "m3")), proxyURL: "gopher://x" },
        ]);
        expect([...endpoints.keys()]).toEqual(["m2"]);
        expect(problems).toEqual([
            expect.stringContaining('member "m1": apiEndpoint "https://***@m1.example" carries user information'),
            'member "m1": caBundle is not a PEM-encoded certificate or bundle of certificates: it holds no PEM CERTIFICATE block',
            'member "m3": kubeconfig lists more than one cluster named "m3" (client-go refuses duplicate names)',
            'member "m3": proxyURL "gopher://x" is not an http, https or socks5 URL with a host',
        ]);
    });

    test("resolveMemberEndpoint throws a MemberEndpointError with every problem", () => {
        let error: MemberEndpointError | undefined;
        try {
            resolveMemberEndpoint("m1", { kubeconfig: fixtureKubeconfig("m1"), apiEndpoint: "https:x", caBundle: "nope" });
        } catch (e) {
            error = e as MemberEndpointError;
        }
        expect(error).toBeInstanceOf(MemberEndpointError);
        expect(error!.problems).toHaveLength(2);
        expect(error!.message).toBe(error!.problems.join("; "));
    });

    test.each([
        ["an IPv6 apiEndpoint", { apiEndpoint: "https://[::1]:6443" }, "https://[::1]:6443"],
        ["an apiEndpoint with a path prefix", { apiEndpoint: "https://h:6443/k8s" }, "https://h:6443/k8s"],
        ["::/0 to an IPv6 address", { serverAddressByClientCIDRs: [{ clientCIDR: "::/0", serverAddress: "https://[fd00::1]:6443" }] }, "https://[fd00::1]:6443"],
        ["0.0.0.0/0 to a path prefix", { serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "https://h:6443/k8s" }] }, "https://h:6443/k8s"],
    ])("accepts %s", (_what, inputs: Partial<EndpointInputs>, apiEndpoint) => {
        expect(resolveMemberEndpoint("m1", { kubeconfig: fixtureKubeconfig("m1"), ...inputs }).apiEndpoint).toBe(apiEndpoint);
    });
});
