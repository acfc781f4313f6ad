import * as yaml from "js-yaml";
import { readClientAccess, readMemberKubeconfig, renderMemberKubeconfig, resolveContext } from "../../src/kubeconfig";
import { fixtureCA, fixtureKubeconfig, fixtureServer } from "../helpers/mocks";

test("the current context gives the server and the inline CA", () => {
    expect(resolveContext(fixtureKubeconfig("member2"))).toEqual({ context: "member2", server: fixtureServer("member2"), caPem: fixtureCA("member2"), insecureSkipTLSVerify: false, proxyURL: undefined });
});

test("a named context is used instead of the current one", () => {
    expect(resolveContext(fixtureKubeconfig("member2"), "member2-other")).toEqual({
        context: "member2-other",
        server: "https://other.member2.example.com",
        caPem: undefined,
        insecureSkipTLSVerify: false,
        proxyURL: undefined,
    });
});

test.each([
    ["apiVersion: v1\nclusters: []\ncontexts: []\n", "kubeconfig has no current-context and no context was given"],
    ["clusters: []\ncontexts: [{name: a, context: {cluster: gone}}]\ncurrent-context: a\n", 'kubeconfig context "a" names cluster "gone", which the kubeconfig does not define'],
    ["clusters: [{name: a}]\ncontexts: []\n", "kubeconfig is not a kubeconfig (/clusters/0 must have required property 'cluster')"],
    ["- just\n- a list\n", "kubeconfig is not a kubeconfig (/ must be object)"],
])("refuses %j", (text, message) => {
    expect(() => resolveContext(text)).toThrow(message);
});

test("the rendered member kubeconfig is a valid kubeconfig with the token user", () => {
    const text = renderMemberKubeconfig({ clusterName: "member1", userName: "member1-host", server: "https://m1:6443", caPem: fixtureCA("member1"), token: "t0k3n", proxyURL: "socks5://p:1080" });
    expect(resolveContext(text)).toEqual({ context: "member1", server: "https://m1:6443", caPem: fixtureCA("member1"), insecureSkipTLSVerify: false, proxyURL: "socks5://p:1080" });
    const doc = yaml.load(text) as any;
    expect(doc.users).toEqual([{ name: "member1-host", user: { token: "t0k3n" } }]);
    expect(doc.clusters[0].cluster["proxy-url"]).toBe("socks5://p:1080");
});

test("insecure-skip-tls-verify replaces the CA, which the API client would refuse together", () => {
    const doc = yaml.load(renderMemberKubeconfig({ clusterName: "m", userName: "u", server: "https://m", caPem: "PEM", token: "t", insecureSkipTLSVerify: true })) as any;
    expect(doc.clusters[0].cluster).toEqual({ server: "https://m", "insecure-skip-tls-verify": true });
});

test("a rendered member kubeconfig reads back as the access it was rendered from", () => {
    const access = { clusterName: "member1", userName: "member1-host", server: "https://m1:6443", caPem: fixtureCA("member1"), token: "t0k3n", proxyURL: "socks5://p:1080", insecureSkipTLSVerify: false, disabledTLSValidations: [] };
    expect(readMemberKubeconfig(renderMemberKubeconfig(access))).toEqual(access);
    const insecure = { ...access, caPem: undefined, proxyURL: undefined, insecureSkipTLSVerify: true };
    expect(readMemberKubeconfig(renderMemberKubeconfig({ ...insecure, disabledTLSValidations: ["*"] }))).toEqual(insecure);
    // What a kubeconfig cannot say rides along in an extension of the cluster entry.
    const partial = { ...access, disabledTLSValidations: ["SubjectName"] };
    const text = renderMemberKubeconfig(partial);
    expect((yaml.load(text) as any).clusters[0].cluster.extensions).toEqual([{ name: "kubefed-iac.io/disabled-tls-validations", extension: { validations: ["SubjectName"] } }]);
    expect(readMemberKubeconfig(text)).toEqual(partial);
});

test("a kubeconfig without a token user cannot be read as a member's access", () => {
    expect(() => readMemberKubeconfig(fixtureKubeconfig("member1").replace(/token: .*/, "username: admin"))).toThrow('kubeconfig context "member1" has no user with a token');
});

describe("readClientAccess (hostKubeconfig)", () => {
    /** The member1 fixture with another user. */
    const withUser = (user: object) => {
        const doc = yaml.load(fixtureKubeconfig("member1")) as any;
        doc.users = [{ name: "admin", user }];
        return yaml.dump(doc);
    };

    test("a token user: the current context's server, CA and token", () => {
        expect(readClientAccess(fixtureKubeconfig("member1"))).toEqual({
            server: fixtureServer("member1"),
            caPem: fixtureCA("member1"),
            token: expect.any(String),
            clientCertPem: undefined,
            clientKeyPem: undefined,
            proxyURL: undefined,
            insecureSkipTLSVerify: false,
        });
    });

    test("a client-certificate user: the certificate and key, decoded", () => {
        const text = withUser({ "client-certificate-data": Buffer.from("CERT PEM").toString("base64"), "client-key-data": Buffer.from("KEY PEM").toString("base64") });
        expect(readClientAccess(text)).toMatchObject({ token: undefined, clientCertPem: "CERT PEM", clientKeyPem: "KEY PEM" });
    });

    test("a user that runs a command is refused with what to give instead", () => {
        const text = withUser({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: "aws" } });
        expect(() => readClientAccess(text)).toThrow(
            'kubeconfig context "member1" has no user with a token or inline client certificate and key (client-certificate-data, client-key-data); ' +
                "a user that runs a command (exec) or an auth provider cannot be used here: give a kubeconfig with a token",
        );
    });
});
