import * as yaml from "js-yaml";
import { hostKubeconfigProblems, KubeconfigError, readMemberKubeconfig, renderMemberKubeconfig, resolveContext } from "../../src/kubeconfig";
import { b64, fixtureCA, fixtureKubeconfig, fixtureKubeconfigWith, fixturePrivateKey, fixtureServer, READABLE_FIXTURE_FILE } from "../helpers/mocks";

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
    ["clusters: [{name: a, cluster: {server: 'https://a'}}, {name: a, cluster: {server: 'https://b'}}]\ncontexts: [{name: a, context: {cluster: a}}]\ncurrent-context: a\n", 'kubeconfig lists more than one cluster named "a" (client-go refuses duplicate names)'],
    ["clusters: [{name: a, cluster: {server: 'https://a'}}]\ncontexts: [{name: a, context: {cluster: a}}]\nusers: [{name: u}, {name: u}]\ncurrent-context: a\n", 'kubeconfig lists more than one user named "u"'],
    ["clusters: [{name: a, cluster: {server: 'https://a', insecure-skip-tls-verify: true, certificate-authority: /ca.crt}}]\ncontexts: [{name: a, context: {cluster: a}}]\ncurrent-context: a\n", 'kubeconfig cluster "a": insecure-skip-tls-verify is set together with a CA (certificate-authority)'],
    ["clusters: [{name: a, cluster: {server: 'https://a', certificate-authority-data: 'QUJD'}}]\ncontexts: [{name: a, context: {cluster: a}}]\ncurrent-context: a\n", 'kubeconfig cluster "a": certificate-authority-data does not hold PEM-encoded certificates: it holds no PEM CERTIFICATE block'],
    ["clusters: [{name: a, cluster: {server: 'https://a', certificate-authority-data: 'QUJ'}}]\ncontexts: [{name: a, context: {cluster: a}}]\ncurrent-context: a\n", 'kubeconfig cluster "a": certificate-authority-data is not base64'],
    ["clusters: [{name: a, cluster: {server: 'https://u:p@a'}}]\ncontexts: [{name: a, context: {cluster: a}}]\ncurrent-context: a\n", 'kubeconfig context "a": server "https://***@a" carries user information'],
    ["clusters: [{name: a, cluster: {server: 'https://a', proxy-url: 'https://u@p'}}]\ncontexts: [{name: a, context: {cluster: a}}]\ncurrent-context: a\n", 'kubeconfig context "a": proxy-url "https://***@p" carries credentials'],
])("refuses %j", (text, message) => {
    expect(() => resolveContext(text)).toThrow(message);
});

test("every problem of a kubeconfig is reported, one line each, in the error's problems", () => {
    const text = "clusters: [{name: a, cluster: {server: 'https:a', certificate-authority-data: '!'}}, {name: a, cluster: {server: 'https://b'}}]\ncontexts: [{name: a, context: {cluster: a}}]\ncurrent-context: a\n";
    let error: KubeconfigError | undefined;
    try {
        resolveContext(text);
    } catch (e) {
        error = e as KubeconfigError;
    }
    expect(error).toBeInstanceOf(KubeconfigError);
    expect(error!.problems).toEqual([
        'kubeconfig lists more than one cluster named "a" (client-go refuses duplicate names)',
        'kubeconfig cluster "a": certificate-authority-data is not base64 (Go\'s standard encoding: A-Z, a-z, 0-9, "+", "/", padded with "=")',
        'kubeconfig context "a": server "https:a" is not an http(s) URL with a host: it has no "//" after the scheme, so no host',
    ]);
});

test("a YAML error says where, never what the kubeconfig holds there", () => {
    const text = fixtureKubeconfig("member1").replace(/token: .*/, "token: !secret-tag-value x");
    expect(() => resolveContext(text)).toThrow(/^kubeconfig is not valid YAML: unknown tag at line \d+, column \d+$/);
    expect(() => resolveContext(fixtureKubeconfig("member1").replace(/token: .*/, 'token: "unterminated'))).toThrow(
        /^kubeconfig is not valid YAML: unexpected end of the stream within a double quoted scalar at line \d+, column \d+$/,
    );
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

describe("hostKubeconfigProblems (hostKubeconfig, as @kubernetes/client-node reads it)", () => {
    const withUser = (user: unknown) => fixtureKubeconfigWith("host", (doc) => (doc.users[0].user = user));
    const withCluster = (change: (cluster: Record<string, unknown>) => void) => fixtureKubeconfigWith("host", (doc) => change(doc.clusters[0].cluster));
    const exec = { apiVersion: "client.authentication.k8s.io/v1", command: "aws", args: ["eks", "get-token"], env: null };

    test.each([
        ["a token", fixtureKubeconfig("host")],
        ["an exec plugin", withUser({ exec })],
        ["an exec plugin of v1beta1", withUser({ exec: { ...exec, apiVersion: "client.authentication.k8s.io/v1beta1" } })],
        ["an auth-provider", withUser({ "auth-provider": { name: "gcp" } })],
        ["a token file (client-go's tokenFile)", withUser({ tokenFile: READABLE_FIXTURE_FILE })],
        ["a token file (client-node's token-file)", withUser({ "token-file": READABLE_FIXTURE_FILE })],
        ["a username and password", withUser({ username: "admin", password: "pw" })],
        ["a client certificate and key by file", withUser({ "client-certificate": READABLE_FIXTURE_FILE, "client-key": READABLE_FIXTURE_FILE })],
        ["a client certificate and key as data", withUser({ "client-certificate-data": b64(fixtureCA("host")), "client-key-data": b64(fixturePrivateKey()) })],
        ["a CA by file", withCluster((c) => { delete c["certificate-authority-data"]; c["certificate-authority"] = READABLE_FIXTURE_FILE; })],
        ["a proxy", withCluster((c) => (c["proxy-url"] = "http://proxy.example:3128"))],
        ["insecure-skip-tls-verify without CA", withCluster((c) => { delete c["certificate-authority-data"]; c["insecure-skip-tls-verify"] = true; })],
        ["plain http behind a proxy", withCluster((c) => { c.server = "http://host.example.com"; c["proxy-url"] = "socks5://bastion:1080"; })],
        ["a rendered kubeconfig", renderMemberKubeconfig({ clusterName: "host", userName: "admin", server: "https://127.0.0.1:6443", token: "t", caPem: fixtureCA("host") })],
    ])("accepts %s", (_what, text) => {
        expect(hostKubeconfigProblems(text)).toEqual([]);
    });

    test.each([
        ["not a kubeconfig", "hello: world", ["kubeconfig is not a kubeconfig (/ must have required property 'clusters'; / must have required property 'contexts')"]],
        ["not YAML", "clusters: [", [expect.stringMatching(/^kubeconfig is not valid YAML: .* at line 2, column 1$/)]],
        ["no current-context", fixtureKubeconfigWith("host", (doc) => delete doc["current-context"]), ["kubeconfig has no current-context and no context was given"]],
        ["an unknown user", fixtureKubeconfigWith("host", (doc) => (doc.contexts[0].context.user = "gone")), ['kubeconfig context "host" names user "gone", which the kubeconfig does not define']],
        ["no credential", withUser({}), ['kubeconfig user "admin" has no credential: give a token, a tokenFile, a client certificate and key, an exec plugin, an auth-provider, or a username and password']],
        ["a null user", withUser(null), [expect.stringContaining('kubeconfig user "admin" has no credential')]],
        ["exec without command", withUser({ exec: { apiVersion: exec.apiVersion } }), ['kubeconfig user "admin": exec has no command']],
        ["exec of v1alpha1", withUser({ exec: { ...exec, apiVersion: "client.authentication.k8s.io/v1alpha1" } }), [expect.stringContaining('exec apiVersion "client.authentication.k8s.io/v1alpha1" is neither')]],
        ["files that are not there", withUser({ "client-certificate": "/no/cert.pem", "client-key": "/no/key.pem" }), ['kubeconfig user "admin": client-certificate "/no/cert.pem" does not exist', 'kubeconfig user "admin": client-key "/no/key.pem" does not exist']],
        ["a certificate without key", withUser({ "client-certificate": READABLE_FIXTURE_FILE }), ['kubeconfig user "admin": has a client certificate but no client-key or client-key-data (client-go refuses it)', expect.stringContaining("has no credential")]],
        ["a socks4 proxy", withCluster((c) => (c["proxy-url"] = "socks4://bastion:1080")), ['kubeconfig context "host": proxy-url "socks4://bastion:1080" is not an http, https or socks5 URL with a host']],
        ["a CA that is a key", withCluster((c) => (c["certificate-authority-data"] = b64(fixturePrivateKey()))), [expect.stringContaining('kubeconfig cluster "host": certificate-authority-data does not hold PEM-encoded certificates: PEM block 1 is a private key (not shown)')]],
    ])("refuses %s", (_what, text, problems) => {
        expect(hostKubeconfigProblems(text)).toEqual(problems);
    });

    test("a kubeconfig it accepts is one @kubernetes/client-node loads, with the same current cluster and user", async () => {
        const { KubeConfig } = await import("@kubernetes/client-node");
        for (const text of [withUser({ exec }), withUser({ tokenFile: READABLE_FIXTURE_FILE }), fixtureKubeconfig("host")]) {
            expect(hostKubeconfigProblems(text)).toEqual([]);
            const config = new KubeConfig();
            config.loadFromString(text);
            expect(config.getCurrentCluster()?.server).toBe(fixtureServer("host"));
            expect(config.getCurrentUser()?.name).toBe("admin");
        }
    });
});

