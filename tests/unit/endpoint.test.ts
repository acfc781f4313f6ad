import { caBundleBase64, resolveMemberEndpoint } from "../../src/endpoint";
import { b64, fixtureCA, fixtureKubeconfig, fixtureServer } from "../helpers/mocks";

const kubeconfig = fixtureKubeconfig("member1");

test("defaults: the context's server, its CA, and one 0.0.0.0/0 address", () => {
    const endpoint = resolveMemberEndpoint("member1", { kubeconfig });
    expect(endpoint).toEqual({
        apiEndpoint: fixtureServer("member1"),
        caPem: fixtureCA("member1"),
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: fixtureServer("member1") }],
    });
    expect(caBundleBase64(endpoint)).toBe(b64(fixtureCA("member1")));
});

test("the first serverAddress is the default apiEndpoint; an explicit apiEndpoint and caBundle win", () => {
    const addresses = [{ clientCIDR: "10.0.0.0/8", serverAddress: "https://10.1.1.1" }];
    expect(resolveMemberEndpoint("member1", { kubeconfig, serverAddressByClientCIDRs: addresses }).apiEndpoint).toBe("https://10.1.1.1");
    const explicit = resolveMemberEndpoint("member1", { kubeconfig, serverAddressByClientCIDRs: addresses, apiEndpoint: "https://lb.example", caBundle: fixtureCA("member2") });
    expect(explicit).toEqual({ apiEndpoint: "https://lb.example", caPem: fixtureCA("member2"), serverAddressByClientCIDRs: addresses });
});

test("deploy-time values get the same checks, naming the member", () => {
    expect(() => resolveMemberEndpoint("m9", { kubeconfig: "nope: [" })).toThrow('member "m9": kubeconfig is not valid YAML');
    expect(() => resolveMemberEndpoint("m9", { kubeconfig, context: "x" })).toThrow('member "m9": kubeconfig has no context "x"');
    expect(() => resolveMemberEndpoint("m9", { kubeconfig, apiEndpoint: "m9:6443" })).toThrow('member "m9": apiEndpoint "m9:6443" is not an http(s) URL with a host');
    expect(() => resolveMemberEndpoint("m9", { kubeconfig, caBundle: "abc" })).toThrow('member "m9": caBundle is not a PEM-encoded certificate');
});
